import type { TraceEventRecord, TraceMessageRecord } from '../trace-records';

/**
 * Fixtures for the trace assembly specs. Times are milliseconds after a fixed instant, so a spec
 * states them as small numbers and its expectations can be computed by hand.
 */

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The instant `ms` milliseconds after T0. */
export const at = (ms: number): Date => new Date(T0 + ms);

let sequence = 0;
const nextId = (): string => {
  sequence += 1;
  return `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
};
const nextSpan = (): string => {
  sequence += 1;
  return sequence.toString(16).padStart(16, 'a');
};

/** A request from `client:1` to `worker`, created, claimed and completed at T0 unless told otherwise. */
export function aMessage(overrides: Partial<TraceMessageRecord> = {}): TraceMessageRecord {
  return {
    id: nextId(),
    traceId: TRACE_ID,
    spanId: nextSpan(),
    parentSpanId: null,
    kind: 'request',
    pattern: 'ping',
    sender: 'client:1',
    recipient: 'worker',
    correlationId: null,
    status: 'done',
    attempts: 1,
    maxAttempts: 5,
    error: null,
    createdAt: at(0),
    availableAt: overrides.createdAt ?? at(0),
    claimedAt: at(0),
    completedAt: at(0),
    ...overrides,
  };
}

/** An event `thing.happened` from `source`, written at T0 unless told otherwise. */
export function anEvent(overrides: Partial<TraceEventRecord> = {}): TraceEventRecord {
  return {
    id: nextId(),
    traceId: TRACE_ID,
    spanId: nextSpan(),
    parentSpanId: null,
    type: 'thing.happened',
    source: 'source',
    data: { fact: true },
    createdAt: at(0),
    ...overrides,
  };
}

/** The delivery of `event` to `group`, as `bus_publish` writes it. */
export function aDeliveryOf(
  event: TraceEventRecord,
  group: string,
  overrides: Partial<TraceMessageRecord> = {},
): TraceMessageRecord {
  return aMessage({
    kind: 'event',
    pattern: event.type,
    sender: event.source,
    recipient: group,
    parentSpanId: event.spanId,
    correlationId: event.id,
    createdAt: event.createdAt,
    availableAt: event.createdAt,
    ...overrides,
  });
}

/** The reply to `request`, as `bus_reply_to` writes it, taken by the requester at `takenAt`. */
export function aReplyTo(
  request: TraceMessageRecord,
  times: { createdAt: Date; takenAt: Date | null },
  overrides: Partial<TraceMessageRecord> = {},
): TraceMessageRecord {
  return aMessage({
    kind: 'reply',
    pattern: request.pattern,
    sender: request.claimedAt ? `${request.recipient}:1` : request.recipient,
    recipient: request.sender,
    parentSpanId: request.spanId,
    correlationId: request.id,
    createdAt: times.createdAt,
    availableAt: times.createdAt,
    claimedAt: times.takenAt,
    completedAt: times.takenAt,
    status: times.takenAt ? 'done' : 'queued',
    ...overrides,
  });
}
