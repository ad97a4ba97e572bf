/** Delivery kinds of `agent_messages`. */
export type MessageKind = 'request' | 'reply' | 'event';

/** Lifecycle of a delivery; `done`, `failed`, `dead` and `expired` are final. */
export type MessageStatus = 'queued' | 'claimed' | 'done' | 'failed' | 'dead' | 'expired';

/** The error shape stored in `agent_messages.error` and carried by error replies. */
export interface BusErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly retryable?: boolean;
  readonly details?: unknown;
}

/** Headers travel as a flat JSON object of strings. */
export type BusHeaders = Readonly<Record<string, string>>;

/** One row of `agent_messages`, in TypeScript's spelling. */
export interface BusMessage {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly correlationId: string | null;
  readonly payload: unknown;
  readonly headers: BusHeaders;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly availableAt: Date;
  readonly deadlineAt: Date | null;
  readonly leaseUntil: Date | null;
  readonly claimedBy: string | null;
  readonly idempotencyKey: string | null;
  readonly result: unknown;
  readonly error: BusErrorPayload | null;
  readonly createdAt: Date;
  readonly claimedAt: Date | null;
  readonly completedAt: Date | null;
}

/** What a sender puts on the bus (`bus_send`). */
export interface OutgoingMessage {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | null;
  readonly kind: 'request' | 'event';
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly payload: unknown;
  readonly headers?: BusHeaders;
  readonly maxAttempts?: number;
  readonly availableAt?: Date;
  readonly deadlineAt?: Date;
  readonly idempotencyKey?: string;
}

export interface SendResult {
  readonly id: string;
  readonly recipient: string;
  readonly idempotencyKey: string | null;
  /** True when the idempotency key was seen before: `id` is the first message's. */
  readonly duplicate: boolean;
  readonly status: MessageStatus;
}

/** A fact for `bus_publish`: appended to `bus_events` and fanned out to subscribed groups. */
export interface OutgoingEvent {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | null;
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
  readonly headers?: BusHeaders;
  readonly maxAttempts?: number;
}

export interface PublishResult {
  readonly id: string;
  readonly deliveries: number;
  readonly duplicate: boolean;
}

export interface Completion {
  readonly id: string;
  readonly attempt: number;
  readonly reply?: unknown;
}

export interface Failure {
  readonly id: string;
  readonly attempt: number;
  readonly error: BusErrorPayload;
  readonly retryable: boolean;
  readonly retryBaseMs?: number;
}

export interface FailResult {
  readonly status: MessageStatus;
  readonly availableAt: Date;
  readonly attempts: number;
}

export interface Lease {
  readonly id: string;
  readonly attempt: number;
}

/** Presence of one agent instance (`agent_instances`). */
export interface InstancePresence {
  readonly instanceId: string;
  readonly agent: string;
  readonly capabilities: readonly string[];
  readonly patterns: readonly string[];
  readonly version: string;
  readonly host?: string;
  readonly pid?: number;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Where a message stands (`bus_outcome`). */
export interface MessageOutcome {
  readonly id: string;
  readonly kind: MessageKind;
  readonly status: MessageStatus;
  readonly result: unknown;
  readonly error: BusErrorPayload | null;
  readonly completedAt: Date | null;
}
