import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { type DispatchResult, Patterns } from '@cogo/contracts';
import { currentTrace } from '@cogo/tracing';
import { CodeBuildTestBody, IndexingBody, PipelineExecuteBody } from '../dto/dev-api.dto';
import { BusToHttpFilter } from '../filters/bus-to-http.filter';
import { BusGateway, type RunAnswer, toSnakeCase } from './bus-gateway';

/** Shortcuts that start a whole workflow (or one capability) with just its input. */
@Controller('api/pipeline')
@UseFilters(BusToHttpFilter)
export class PipelineDevController {
  constructor(private readonly gateway: BusGateway) {}

  @Post('codeBuildTest')
  @HttpCode(202)
  codeBuildTest(@Body() body: CodeBuildTestBody): Promise<RunAnswer> {
    return this.gateway.startRun(
      {
        template: 'codeBuildTest',
        intent: `generate, build and test the ${body.spec.module} module`,
        input: { spec: body.spec, ...(body.generator ? { generator: body.generator } : {}) },
        idempotencyKey: body.idempotency_key,
      },
      body.wait,
    );
  }

  @Post('indexing')
  @HttpCode(202)
  indexing(@Body() body: IndexingBody): Promise<RunAnswer> {
    return this.gateway.startRun(
      {
        template: 'indexing',
        intent: `index ${body.root}`,
        input: { root: body.root, ...(body.repository ? { repository: body.repository } : {}) },
      },
      body.wait,
    );
  }

  /** One capability through the dispatcher, without a workflow around it. */
  @Post('execute')
  @HttpCode(200)
  async execute(@Body() body: PipelineExecuteBody): Promise<unknown> {
    const result = await this.gateway.request<DispatchResult>(
      Patterns.DispatcherExecute,
      { capability: body.capability, input: body.input },
      300_000,
    );
    return { ...(toSnakeCase(result) as object), trace_id: currentTrace()?.traceId };
  }
}
