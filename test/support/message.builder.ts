import { randomBytes } from 'node:crypto';

/**
 * Fixtures for the bus SQL functions. They build the JSON the functions take, so the keys are
 * snake_case like the SQL; every field left out gets a default, and names are unique per call so
 * tests sharing one database never see each other's rows.
 */

export type MessageKind = 'request' | 'reply' | 'event';

/** One element of the array `bus_send` takes. */
export interface BusSendMessage {
  readonly id?: string;
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly parent_span_id?: string;
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly correlation_id?: string;
  readonly payload?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly max_attempts?: number;
  readonly available_at?: string;
  readonly deadline_at?: string;
  readonly idempotency_key?: string;
}

/** One element of the array `bus_publish` takes. */
export interface BusPublishEvent {
  readonly id?: string;
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly parent_span_id?: string;
  readonly type: string;
  readonly source: string;
  readonly data?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly max_attempts?: number;
}

let sequence = 0;

/** A valid bus name (agent, group or instance) that no other fixture uses. */
export function aBusName(role = 'agent'): string {
  sequence += 1;
  return `${role}-${sequence}-${randomBytes(3).toString('hex')}`;
}

/** A request from a fresh sender to a fresh consumer group, due now. */
export function aRequest(overrides: Partial<BusSendMessage> = {}): BusSendMessage {
  return {
    kind: 'request',
    pattern: '{"cmd":"ping"}',
    sender: aBusName('client'),
    recipient: aBusName('worker'),
    payload: { question: 'ping' },
    ...overrides,
  };
}

/** `count` requests from one sender to one consumer group, numbered in their payload. */
export function someRequests(count: number, overrides: Partial<BusSendMessage> = {}): BusSendMessage[] {
  const sender = overrides.sender ?? aBusName('client');
  const recipient = overrides.recipient ?? aBusName('worker');
  return Array.from({ length: count }, (_, n) => aRequest({ payload: { n }, ...overrides, sender, recipient }));
}

/** An event of a fresh type from a fresh source. */
export function anEvent(overrides: Partial<BusPublishEvent> = {}): BusPublishEvent {
  return {
    type: `${aBusName('test')}.happened`,
    source: aBusName('source'),
    data: { fact: 'it happened' },
    ...overrides,
  };
}

/** An ISO timestamp `ms` milliseconds from now (negative: in the past). */
export function msFromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
