export { BusHealthIndicator } from './health/bus.health-indicator';
export { HealthController } from './health/health.controller';
export { HealthModule } from './health/health.module';
export { BUS_METRICS, type BusMetrics, busMetricsIn, DURATION_BUCKETS_SECONDS } from './metrics/bus-metrics';
export { type ExpositionSample, type MetricFamily, parseExposition, sampleValue } from './metrics/exposition.parser';
export type { AgentInstanceFigures, BusSnapshot, BusTotals, DeadLetter, QueueFigures } from './live/bus-snapshot';
export { BusSnapshotRepository, type BusSnapshotOptions } from './live/bus-snapshot.repository';
export { LabelBudget, OTHER_LABEL } from './metrics/label-budget';
export { collectProcessMetrics } from './metrics/process-metrics';
export { MAX_PATTERN_LABELS, PrometheusBusObserver } from './metrics/prometheus-bus.observer';
export { TelemetryModule } from './telemetry.module';
export { assembleTrace } from './trace/assemble-trace';
export { BusActivityRepository, LATENCY_SAMPLE_LIMIT, type ClockWindow } from './trace/bus-activity.repository';
export { BusActivityService } from './trace/bus-activity.service';
export type {
  DecisionQualityReport,
  OfflineDecisionQuality,
  OnlineDecisionQuality,
} from './trace/decision-quality-report';
export { EventsQuery, TraceIdParam, WindowQuery } from './trace/dto/metrics-query.dto';
export { InvalidWindowError } from './trace/errors/invalid-window.error';
export { TraceNotFoundException } from './trace/errors/trace-not-found.exception';
export {
  eventLogPage,
  toEventLogWire,
  type EventLogEntry,
  type EventLogPage,
  type EventTypeCount,
} from './trace/event-log';
export { latencyReport, type LatencyFigures, type LatencyReport, type PatternLatency } from './trace/latency-report';
export { TraceListRepository, type TraceRun, type TraceRunStep } from './trace/trace-list.repository';
export { traceListEntry, type TraceListEntry, type TraceListRow, type TraceListStatus } from './trace/trace-list-entry';
export { MAX_WINDOW_MS, parseWindow, windowProblem, type MetricsWindow } from './trace/parse-window';
export { formatMs, renderWaterfall, WATERFALL_GLYPHS, type WaterfallOptions } from './trace/render-waterfall';
export { TRACE_ROW_LIMIT, TraceQueryRepository } from './trace/trace-query.repository';
export { groupOf } from './trace/trace-timings';
export type {
  MessageKind,
  MessageStatus,
  TraceEventRecord,
  TraceMessageRecord,
  TraceRecords,
} from './trace/trace-records';
export type {
  TraceEntry,
  TraceEventEntry,
  TraceMessageEntry,
  TraceNode,
  TraceSummary,
  TraceView,
} from './trace/trace-view';
export { fromTraceWire, toTraceWire, type TraceEntryWire, type TraceWire } from './trace/trace-view.wire';
export { decisionSamples, outcomeSamples, type SampleWindow } from './gates/gate-samples.query';
