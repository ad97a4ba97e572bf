/** Kinds of `agent_messages` rows: a request, the reply to one, or one group's delivery of an event. */
export type MessageKind = 'request' | 'reply' | 'event';

/** `agent_messages.status`. */
export type MessageStatus = 'queued' | 'claimed' | 'done' | 'failed' | 'dead' | 'expired';

/** Statuses that end a delivery without success: the failures of a trace. */
export const FAILED_STATUSES: readonly MessageStatus[] = ['failed', 'dead', 'expired'];

/** Statuses after which nothing more happens to a delivery. */
export const FINAL_STATUSES: readonly MessageStatus[] = ['done', 'failed', 'dead', 'expired'];

/** One `agent_messages` row of a trace, without its payload (which can be large and is not timing). */
export interface TraceMessageRecord {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  /** reply -> its request; event delivery -> its `bus_events` row. */
  readonly correlationId: string | null;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly error: unknown;
  readonly createdAt: Date;
  readonly availableAt: Date;
  readonly claimedAt: Date | null;
  readonly completedAt: Date | null;
}

/** One `bus_events` row of a trace. */
export interface TraceEventRecord {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
  readonly createdAt: Date;
}

/** Every row of one trace as stored, oldest first, and whether the read stopped at its row limit. */
export interface TraceRecords {
  readonly messages: readonly TraceMessageRecord[];
  readonly events: readonly TraceEventRecord[];
  readonly truncated: boolean;
}
