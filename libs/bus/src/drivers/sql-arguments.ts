import type { OutgoingEvent, OutgoingMessage } from '../interfaces/bus-message.interface';

/**
 * The JSON that `bus_send` and `bus_publish` take, shared by both drivers so they cannot drift:
 * one element per message, snake_case as in SQL.
 */
export function sendArgument(messages: readonly OutgoingMessage[]): Record<string, unknown>[] {
  return messages.map((message) => ({
    id: message.id,
    trace_id: message.traceId,
    span_id: message.spanId,
    parent_span_id: message.parentSpanId ?? null,
    kind: message.kind,
    pattern: message.pattern,
    sender: message.sender,
    recipient: message.recipient,
    payload: message.payload ?? null,
    headers: message.headers ?? {},
    max_attempts: message.maxAttempts ?? null,
    available_at: message.availableAt?.toISOString() ?? null,
    deadline_at: message.deadlineAt?.toISOString() ?? null,
    idempotency_key: message.idempotencyKey ?? null,
  }));
}

export function publishArgument(events: readonly OutgoingEvent[]): Record<string, unknown>[] {
  return events.map((event) => ({
    id: event.id,
    trace_id: event.traceId,
    span_id: event.spanId,
    parent_span_id: event.parentSpanId ?? null,
    type: event.type,
    source: event.source,
    data: event.data ?? null,
    headers: event.headers ?? {},
    max_attempts: event.maxAttempts ?? null,
  }));
}

/** NOTIFY channel of a recipient; see bus_notify_inserted() in the migrations. */
export const wakeupChannel = (recipient: string): string => `bus:${recipient}`;
