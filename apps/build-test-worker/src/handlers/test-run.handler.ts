import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext } from '@cogo/bus';
import { Patterns, type TestRunResult, WorkspaceDto } from '@cogo/contracts';
import { TestRunService } from '../services/test-run.service';

/** `test.run` on the bus. */
@Controller()
export class TestRunHandler {
  constructor(private readonly tests: TestRunService) {}

  @MessagePattern(Patterns.TestRun)
  run(@Payload() request: WorkspaceDto, @Ctx() context: BusContext): Promise<TestRunResult> {
    return this.tests.run(request, { traceId: context.getTraceId(), signal: context.signal });
  }
}
