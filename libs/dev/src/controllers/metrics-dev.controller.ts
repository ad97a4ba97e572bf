import { Controller, Get, Param, Query, UseFilters } from '@nestjs/common';
import { Patterns } from '@cogo/contracts';
import {
  BusActivityService,
  type DecisionQualityReport,
  EventsQuery,
  TraceIdParam,
  type TraceWire,
  WindowQuery,
  parseWindow,
  toEventLogWire,
  toTraceWire,
} from '@cogo/telemetry';
import { BusToHttpFilter } from '../filters/bus-to-http.filter';
import { BusGateway, toSnakeCase } from './bus-gateway';

/**
 * What happened on the bus: one trace as a waterfall, latency per pattern, the event log, and
 * the quality of the orchestrator's decisions. Traces, latency and events are read from the
 * database the orchestrator already holds; decision quality needs the orchestrator's planner, so
 * it is asked for over the bus.
 */
@Controller('api/metrics')
@UseFilters(BusToHttpFilter)
export class MetricsDevController {
  constructor(
    private readonly activity: BusActivityService,
    private readonly gateway: BusGateway,
  ) {}

  @Get('trace/:trace_id')
  async trace(@Param() params: TraceIdParam): Promise<TraceWire> {
    return toTraceWire(await this.activity.trace(params.trace_id));
  }

  @Get('latency')
  async latency(@Query() query: WindowQuery): Promise<unknown> {
    return toSnakeCase(await this.activity.latency(parseWindow(query.window ?? '15m')));
  }

  @Get('events')
  async events(@Query() query: EventsQuery): Promise<unknown> {
    const page = await this.activity.events({
      window: parseWindow(query.window ?? '1h'),
      type: query.type || null,
      page: query.page ?? 1,
      pageSize: query.page_size ?? 50,
    });
    return toEventLogWire(page);
  }

  @Get('decision-quality')
  async decisionQuality(@Query() query: WindowQuery): Promise<unknown> {
    const window = parseWindow(query.window ?? '24h');
    const report = await this.gateway.request<DecisionQualityReport>(
      Patterns.OrchestratorDecisionQuality,
      { windowMs: window.ms },
      15_000,
    );
    return { window: window.text, ...(toSnakeCase(report) as object) };
  }
}
