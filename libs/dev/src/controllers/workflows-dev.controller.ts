import { Body, Controller, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { Patterns, type TemplateInfo } from '@cogo/contracts';
import { RunIdParam, WorkflowExecuteBody } from '../dto/dev-api.dto';
import { BusToHttpFilter } from '../filters/bus-to-http.filter';
import { BusGateway, type RunAnswer, toSnakeCase } from './bus-gateway';

@Controller('api/workflows')
@UseFilters(BusToHttpFilter)
export class WorkflowsDevController {
  constructor(private readonly gateway: BusGateway) {}

  @Get('templates')
  async templates(): Promise<unknown> {
    return { templates: toSnakeCase(await this.gateway.request<TemplateInfo[]>(Patterns.OrchestratorTemplates, {})) };
  }

  @Post('execute')
  @HttpCode(202)
  execute(@Body() body: WorkflowExecuteBody): Promise<RunAnswer> {
    return this.gateway.startRun(
      { template: body.template, input: body.input, idempotencyKey: body.idempotency_key },
      body.wait,
    );
  }

  /** The quality-gate verdict of one run (failure rate and latency of its trace). */
  @Get('gate')
  async gate(@Query() query: RunIdParam): Promise<unknown> {
    return toSnakeCase(await this.gateway.request<unknown>(Patterns.OrchestratorGate, { runId: query.run_id }));
  }
}
