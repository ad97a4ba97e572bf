import type {
  BusErrorPayload,
  BusHeaders,
  BusMessage,
  MessageKind,
  MessageStatus,
} from '../interfaces/bus-message.interface';

/** A row of `agent_messages` as the database spells it (pg and PostgREST alike). */
export interface MessageRow {
  id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: MessageKind;
  pattern: string;
  sender: string;
  recipient: string;
  correlation_id: string | null;
  payload: unknown;
  headers: BusHeaders | null;
  status: MessageStatus;
  attempts: number;
  max_attempts: number;
  available_at: Date | string;
  deadline_at: Date | string | null;
  lease_until: Date | string | null;
  claimed_by: string | null;
  idempotency_key: string | null;
  result: unknown;
  error: BusErrorPayload | null;
  created_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const toOptionalDate = (value: Date | string | null): Date | null => (value === null ? null : toDate(value));

export function toBusMessage(row: MessageRow): BusMessage {
  return {
    id: row.id,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    kind: row.kind,
    pattern: row.pattern,
    sender: row.sender,
    recipient: row.recipient,
    correlationId: row.correlation_id,
    payload: row.payload,
    headers: row.headers ?? {},
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    availableAt: toDate(row.available_at),
    deadlineAt: toOptionalDate(row.deadline_at),
    leaseUntil: toOptionalDate(row.lease_until),
    claimedBy: row.claimed_by,
    idempotencyKey: row.idempotency_key,
    result: row.result,
    error: row.error,
    createdAt: toDate(row.created_at),
    claimedAt: toOptionalDate(row.claimed_at),
    completedAt: toOptionalDate(row.completed_at),
  };
}
