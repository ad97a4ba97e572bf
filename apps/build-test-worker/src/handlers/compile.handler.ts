import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext } from '@cogo/bus';
import { type CompileResult, Patterns, WorkspaceDto } from '@cogo/contracts';
import { CompileService } from '../services/compile.service';

/** `build.compile` on the bus. */
@Controller()
export class CompileHandler {
  constructor(private readonly builds: CompileService) {}

  @MessagePattern(Patterns.BuildCompile)
  compile(@Payload() request: WorkspaceDto, @Ctx() context: BusContext): Promise<CompileResult> {
    return this.builds.compile(request, { traceId: context.getTraceId(), signal: context.signal });
  }
}
