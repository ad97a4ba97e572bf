import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext } from '@cogo/bus';
import { DispatchRequestDto, type DispatchResult, Patterns } from '@cogo/contracts';
import { DispatchService } from './dispatch.service';

@Controller()
export class DispatchHandler {
  constructor(private readonly dispatcher: DispatchService) {}

  @MessagePattern(Patterns.DispatcherExecute)
  execute(@Payload() request: DispatchRequestDto, @Ctx() context: BusContext): Promise<DispatchResult> {
    return this.dispatcher.dispatch(request, {
      idempotencyBase: `dispatch:${context.getIdempotencyKey() ?? context.getMessageId()}`,
    });
  }
}
