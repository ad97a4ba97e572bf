import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext } from '@cogo/bus';
import { CodegenGenerateDto, type CodegenResult, Patterns } from '@cogo/contracts';
import { CodegenService } from '../services/codegen.service';

@Controller()
export class CodegenHandler {
  constructor(private readonly codegen: CodegenService) {}

  @MessagePattern(Patterns.CodegenGenerate)
  generate(@Payload() request: CodegenGenerateDto, @Ctx() context: BusContext): Promise<CodegenResult> {
    return this.codegen.generate(request, { traceId: context.getTraceId(), signal: context.signal });
  }
}
