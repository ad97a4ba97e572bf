import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { BusContext } from '@cogo/bus';
import { IndexRepositoryDto, type IndexResult, Patterns } from '@cogo/contracts';
import { IndexingService } from './indexing.service';

/** The indexing worker's bus entry point: the payload is validated by the global pipe. */
@Controller()
export class IndexingHandler {
  constructor(private readonly indexing: IndexingService) {}

  @MessagePattern(Patterns.IndexRepository)
  index(@Payload() request: IndexRepositoryDto, @Ctx() context: BusContext): Promise<IndexResult> {
    return this.indexing.index(request, { traceId: context.getTraceId(), signal: context.signal });
  }
}
