import { Injectable } from '@nestjs/common';
import { assembleTrace } from './assemble-trace';
import { BusActivityRepository } from './bus-activity.repository';
import { TraceNotFoundException } from './errors/trace-not-found.exception';
import { type EventLogPage, eventLogPage } from './event-log';
import { type LatencyReport, latencyReport } from './latency-report';
import type { MetricsWindow } from './parse-window';
import { TraceQueryRepository } from './trace-query.repository';
import type { TraceView } from './trace-view';

/** What the metrics endpoints report: one trace, latency per pattern, the event log. */
@Injectable()
export class BusActivityService {
  constructor(
    private readonly traces: TraceQueryRepository,
    private readonly activity: BusActivityRepository,
  ) {}

  /** @throws TraceNotFoundException when no row carries the trace id */
  async trace(traceId: string): Promise<TraceView> {
    const records = await this.traces.rowsOfTrace(traceId);
    if (records.messages.length === 0 && records.events.length === 0) throw new TraceNotFoundException(traceId);
    return assembleTrace(traceId, records);
  }

  async latency(window: MetricsWindow): Promise<LatencyReport> {
    const bounds = await this.activity.windowEndingNow(window.ms);
    const { samples, truncated } = await this.activity.finishedDeliveries(bounds);
    return latencyReport(samples, { text: window.text, ...bounds }, truncated);
  }

  async events(query: {
    readonly window: MetricsWindow;
    readonly type: string | null;
    readonly page: number;
    readonly pageSize: number;
  }): Promise<EventLogPage> {
    const bounds = await this.activity.windowEndingNow(query.window.ms);
    const counts = await this.activity.eventCounts(bounds);
    const rows = await this.activity.eventsWithin(
      bounds,
      query.type,
      (query.page - 1) * query.pageSize,
      query.pageSize + 1,
    );
    return eventLogPage({
      window: { text: query.window.text, ...bounds },
      counts,
      type: query.type,
      page: query.page,
      pageSize: query.pageSize,
      rows,
    });
  }
}
