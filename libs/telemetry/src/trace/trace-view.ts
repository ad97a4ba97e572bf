import type { MessageKind, TraceEventRecord, TraceMessageRecord } from './trace-records';

/** Where an entry sits in the parent/child tree of the trace. */
interface TreePlacement {
  /** Id of the parent row in the tree, `null` for a root. */
  readonly parentId: string | null;
  /** Number of ancestors in the tree: 0 for a root. */
  readonly depth: number;
  /** Milliseconds from the first row of the trace to this one's creation. */
  readonly offsetMs: number;
}

/** An `agent_messages` row on the time line, with its timings. */
export interface TraceMessageEntry extends TreePlacement, Omit<TraceMessageRecord, 'traceId'> {
  readonly record: 'message';
  /**
   * Time spent waiting for a consumer: `claimedAt - availableAt` for requests and event
   * deliveries, `completedAt - createdAt` for replies (until the requester took them); `null`
   * while nobody has taken it.
   */
  readonly queueWaitMs: number | null;
  /** `completedAt - claimedAt`: the handler's time, `null` until it finished. */
  readonly handlerMs: number | null;
}

/** A `bus_events` row on the time line. */
export interface TraceEventEntry extends TreePlacement, Omit<TraceEventRecord, 'traceId'> {
  readonly record: 'event';
  /** How many deliveries of this event the trace holds (one per subscribed group). */
  readonly deliveries: number;
}

export type TraceEntry = TraceMessageEntry | TraceEventEntry;

/** A row in the parent/child tree: children by `parent_span_id` (and event deliveries by `correlation_id`). */
export interface TraceNode {
  readonly id: string;
  readonly record: 'message' | 'event';
  /** The message kind, or `event` for a `bus_events` row. */
  readonly kind: MessageKind;
  /** Pattern of a message, type of an event. */
  readonly pattern: string;
  readonly spanId: string;
  readonly children: readonly TraceNode[];
}

export interface TraceSummary {
  /** Creation of the first row. */
  readonly startedAt: Date;
  /** The last completion (or event) of the trace; `null` while nothing has finished. */
  readonly finishedAt: Date | null;
  /** `finishedAt - startedAt`, `null` while nothing has finished. */
  readonly durationMs: number | null;
  /** `agent_messages` rows, of every kind. */
  readonly messages: number;
  /** `bus_events` rows. */
  readonly events: number;
  /** Deliveries that ended `failed`, `dead` or `expired`. */
  readonly failures: number;
  /** Deliveries still `queued` or `claimed`. */
  readonly inFlight: number;
  /** Agent groups involved (senders, recipients and event sources, instance suffixes dropped), sorted. */
  readonly agents: readonly string[];
  /** Message patterns and event types, sorted. */
  readonly patterns: readonly string[];
  /** The trace has more rows than were read. */
  readonly truncated: boolean;
}

/** One trace as a time-ordered view: every row with its timings, the tree and a summary. */
export interface TraceView {
  readonly traceId: string;
  readonly summary: TraceSummary;
  /** Every row, in time order (creation; a parent before its children at the same instant). */
  readonly timeline: readonly TraceEntry[];
  /** Roots of the parent/child tree, in time order, as are the children of every node. */
  readonly tree: readonly TraceNode[];
}
