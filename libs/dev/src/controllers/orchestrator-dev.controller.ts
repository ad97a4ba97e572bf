import { Body, Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { Patterns, type Plan, type RunState } from '@cogo/contracts';
import { currentTrace } from '@cogo/tracing';
import { ExecuteBody, PlanBody, RunIdParam } from '../dto/dev-api.dto';
import { BusToHttpFilter } from '../filters/bus-to-http.filter';
import { BusGateway, type RunAnswer, toSnakeCase } from './bus-gateway';

@Controller('api/orchestrator')
@UseFilters(BusToHttpFilter)
export class OrchestratorDevController {
  constructor(private readonly gateway: BusGateway) {}

  @Post('plan')
  @HttpCode(200)
  async plan(@Body() body: PlanBody): Promise<unknown> {
    const plan = await this.gateway.request<Plan>(Patterns.OrchestratorPlan, body);
    return { ...(toSnakeCase(plan) as object), trace_id: currentTrace()?.traceId };
  }

  @Post('execute')
  @HttpCode(202)
  execute(@Body() body: ExecuteBody): Promise<RunAnswer> {
    return this.gateway.startRun(
      {
        planId: body.plan_id,
        intent: body.intent,
        template: body.template,
        input: body.input,
        idempotencyKey: body.idempotency_key,
      },
      body.wait,
    );
  }

  @Get('state/:run_id')
  async state(@Param() params: RunIdParam): Promise<unknown> {
    return toSnakeCase(await this.gateway.request<RunState>(Patterns.OrchestratorState, { runId: params.run_id }));
  }
}
