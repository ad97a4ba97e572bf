import type { MessageKind, MessageStatus } from './trace-records';
import type { TraceEntry, TraceNode, TraceSummary, TraceView } from './trace-view';

/**
 * The HTTP form of a `TraceView` (`GET /api/metrics/trace/{traceId}`): snake_case keys and ISO
 * timestamps. Event `data` and message `error` are stored JSON and pass through untouched.
 */
export interface TraceWire {
  readonly trace_id: string;
  readonly summary: TraceSummaryWire;
  readonly timeline: readonly TraceEntryWire[];
  readonly tree: readonly TraceNodeWire[];
}

export interface TraceSummaryWire {
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly messages: number;
  readonly events: number;
  readonly failures: number;
  readonly in_flight: number;
  readonly agents: readonly string[];
  readonly patterns: readonly string[];
  readonly truncated: boolean;
}

interface PlacementWire {
  readonly id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly parent_id: string | null;
  readonly depth: number;
  readonly offset_ms: number;
  readonly created_at: string;
}

export interface TraceMessageWire extends PlacementWire {
  readonly record: 'message';
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly correlation_id: string | null;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly error: unknown;
  readonly available_at: string;
  readonly claimed_at: string | null;
  readonly completed_at: string | null;
  readonly queue_wait_ms: number | null;
  readonly handler_ms: number | null;
}

export interface TraceEventWire extends PlacementWire {
  readonly record: 'event';
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
  readonly deliveries: number;
}

export type TraceEntryWire = TraceMessageWire | TraceEventWire;

export interface TraceNodeWire {
  readonly id: string;
  readonly record: 'message' | 'event';
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly span_id: string;
  readonly children: readonly TraceNodeWire[];
}

export function toTraceWire(view: TraceView): TraceWire {
  return {
    trace_id: view.traceId,
    summary: summaryToWire(view.summary),
    timeline: view.timeline.map(entryToWire),
    tree: view.tree.map(nodeToWire),
  };
}

/**
 * The `TraceView` back from its HTTP form, for clients of the API (the `trace` script).
 *
 * @throws TypeError when `wire` is not a trace answer
 */
export function fromTraceWire(wire: unknown): TraceView {
  if (!isTraceWire(wire))
    throw new TypeError('the answer is not a trace: expected trace_id, summary, timeline and tree');
  const { summary } = wire;
  return {
    traceId: wire.trace_id,
    summary: {
      startedAt: new Date(summary.started_at),
      finishedAt: dateOrNull(summary.finished_at),
      durationMs: summary.duration_ms,
      messages: summary.messages,
      events: summary.events,
      failures: summary.failures,
      inFlight: summary.in_flight,
      agents: summary.agents,
      patterns: summary.patterns,
      truncated: summary.truncated,
    },
    timeline: wire.timeline.map(entryFromWire),
    tree: wire.tree.map(nodeFromWire),
  };
}

function summaryToWire(summary: TraceSummary): TraceSummaryWire {
  return {
    started_at: summary.startedAt.toISOString(),
    finished_at: summary.finishedAt?.toISOString() ?? null,
    duration_ms: summary.durationMs,
    messages: summary.messages,
    events: summary.events,
    failures: summary.failures,
    in_flight: summary.inFlight,
    agents: summary.agents,
    patterns: summary.patterns,
    truncated: summary.truncated,
  };
}

function entryToWire(entry: TraceEntry): TraceEntryWire {
  const placement = {
    id: entry.id,
    span_id: entry.spanId,
    parent_span_id: entry.parentSpanId,
    parent_id: entry.parentId,
    depth: entry.depth,
    offset_ms: entry.offsetMs,
    created_at: entry.createdAt.toISOString(),
  };
  if (entry.record === 'event') {
    return {
      record: 'event',
      ...placement,
      type: entry.type,
      source: entry.source,
      data: entry.data,
      deliveries: entry.deliveries,
    };
  }
  return {
    record: 'message',
    ...placement,
    kind: entry.kind,
    pattern: entry.pattern,
    sender: entry.sender,
    recipient: entry.recipient,
    correlation_id: entry.correlationId,
    status: entry.status,
    attempts: entry.attempts,
    max_attempts: entry.maxAttempts,
    error: entry.error,
    available_at: entry.availableAt.toISOString(),
    claimed_at: entry.claimedAt?.toISOString() ?? null,
    completed_at: entry.completedAt?.toISOString() ?? null,
    queue_wait_ms: entry.queueWaitMs,
    handler_ms: entry.handlerMs,
  };
}

function entryFromWire(entry: TraceEntryWire): TraceEntry {
  const placement = {
    id: entry.id,
    spanId: entry.span_id,
    parentSpanId: entry.parent_span_id,
    parentId: entry.parent_id,
    depth: entry.depth,
    offsetMs: entry.offset_ms,
    createdAt: new Date(entry.created_at),
  };
  if (entry.record === 'event') {
    return {
      record: 'event',
      ...placement,
      type: entry.type,
      source: entry.source,
      data: entry.data,
      deliveries: entry.deliveries,
    };
  }
  return {
    record: 'message',
    ...placement,
    kind: entry.kind,
    pattern: entry.pattern,
    sender: entry.sender,
    recipient: entry.recipient,
    correlationId: entry.correlation_id,
    status: entry.status,
    attempts: entry.attempts,
    maxAttempts: entry.max_attempts,
    error: entry.error,
    availableAt: new Date(entry.available_at),
    claimedAt: dateOrNull(entry.claimed_at),
    completedAt: dateOrNull(entry.completed_at),
    queueWaitMs: entry.queue_wait_ms,
    handlerMs: entry.handler_ms,
  };
}

function nodeToWire(node: TraceNode): TraceNodeWire {
  return {
    id: node.id,
    record: node.record,
    kind: node.kind,
    pattern: node.pattern,
    span_id: node.spanId,
    children: node.children.map(nodeToWire),
  };
}

function nodeFromWire(node: TraceNodeWire): TraceNode {
  return {
    id: node.id,
    record: node.record,
    kind: node.kind,
    pattern: node.pattern,
    spanId: node.span_id,
    children: node.children.map(nodeFromWire),
  };
}

function dateOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

function isTraceWire(value: unknown): value is TraceWire {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof TraceWire, unknown>>;
  return (
    typeof candidate.trace_id === 'string' &&
    typeof candidate.summary === 'object' &&
    candidate.summary !== null &&
    Array.isArray(candidate.timeline) &&
    Array.isArray(candidate.tree)
  );
}
