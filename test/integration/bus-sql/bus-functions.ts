import type { QueryResult, QueryResultRow } from 'pg';
import type { BusPublishEvent, BusSendMessage, MessageKind } from '../../support/message.builder';

/**
 * Typed calls to the bus SQL functions, for the tests of their semantics. Each is one `select` of
 * the function, as the Postgres driver makes it; nothing here re-implements a query.
 */

/** A pool, a client or a pool client: anything that runs a query. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export type MessageStatus = 'queued' | 'claimed' | 'done' | 'failed' | 'dead' | 'expired';

export interface BusError {
  readonly code: string;
  readonly message: string;
  readonly retryable?: boolean;
  readonly details?: Record<string, unknown>;
}

export interface AgentMessageRow {
  readonly id: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly kind: MessageKind;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly correlation_id: string | null;
  readonly payload: unknown;
  readonly headers: Record<string, unknown>;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly available_at: Date;
  readonly deadline_at: Date | null;
  readonly lease_until: Date | null;
  readonly claimed_by: string | null;
  readonly idempotency_key: string | null;
  readonly result: unknown;
  readonly error: BusError | null;
  readonly created_at: Date;
  readonly claimed_at: Date | null;
  readonly completed_at: Date | null;
}

export interface SendResultRow {
  readonly id: string;
  readonly recipient: string;
  readonly idempotency_key: string | null;
  readonly duplicate: boolean;
  readonly status: MessageStatus;
}

export interface PublishResultRow {
  readonly id: string;
  readonly deliveries: number;
  readonly duplicate: boolean;
}

export interface FailResultRow {
  readonly status: MessageStatus;
  readonly available_at: Date;
  readonly attempts: number;
  /** How far in the future `available_at` was set, measured on the database's clock. */
  readonly backoff_ms: number;
}

export interface ExtendResultRow {
  readonly id: string;
  readonly lease_until: Date;
}

export interface Lease {
  readonly id: string;
  readonly attempt: number;
}

export async function busSend(db: Queryable, messages: readonly BusSendMessage[]): Promise<SendResultRow[]> {
  const { rows } = await db.query<SendResultRow>('select * from public.bus_send($1::jsonb)', [
    JSON.stringify(messages),
  ]);
  return rows;
}

export async function busPublish(db: Queryable, events: readonly BusPublishEvent[]): Promise<PublishResultRow[]> {
  const { rows } = await db.query<PublishResultRow>('select * from public.bus_publish($1::jsonb)', [
    JSON.stringify(events),
  ]);
  return rows;
}

export async function busClaim(
  db: Queryable,
  recipient: string,
  instance: string,
  options: { max?: number; leaseMs?: number } = {},
): Promise<AgentMessageRow[]> {
  const { rows } = await db.query<AgentMessageRow>('select * from public.bus_claim($1, $2, $3, $4)', [
    recipient,
    instance,
    options.max ?? 10,
    options.leaseMs ?? 30_000,
  ]);
  return rows;
}

export async function busComplete(
  db: Queryable,
  lease: Lease,
  instance: string,
  reply: unknown = null,
): Promise<boolean> {
  const { rows } = await db.query<{ completed: boolean }>(
    'select public.bus_complete($1, $2, $3, $4::jsonb) as completed',
    [lease.id, instance, lease.attempt, JSON.stringify(reply)],
  );
  return rows[0].completed;
}

export async function busCompleteMany(
  db: Queryable,
  instance: string,
  completions: readonly (Lease & { reply?: unknown })[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('select id from public.bus_complete_many($1, $2::jsonb)', [
    instance,
    JSON.stringify(completions),
  ]);
  return rows.map((row) => row.id);
}

export async function busFail(
  db: Queryable,
  lease: Lease,
  instance: string,
  error: BusError,
  options: { retryable?: boolean; retryBaseMs?: number } = {},
): Promise<FailResultRow[]> {
  const { rows } = await db.query<FailResultRow>(
    `select f.status, f.available_at, f.attempts,
            (extract(epoch from (f.available_at - now())) * 1000)::float8 as backoff_ms
     from public.bus_fail($1, $2, $3, $4::jsonb, $5, $6) f`,
    [lease.id, instance, lease.attempt, JSON.stringify(error), options.retryable ?? true, options.retryBaseMs ?? 1000],
  );
  return rows;
}

export async function busExtend(
  db: Queryable,
  instance: string,
  leases: readonly Lease[],
  leaseMs = 30_000,
): Promise<ExtendResultRow[]> {
  const { rows } = await db.query<ExtendResultRow>('select * from public.bus_extend($1, $2::jsonb, $3)', [
    instance,
    JSON.stringify(leases),
    leaseMs,
  ]);
  return rows;
}

export async function busRelease(db: Queryable, instance: string, ids?: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ released: number }>('select public.bus_release($1, $2::uuid[]) as released', [
    instance,
    ids ?? null,
  ]);
  return rows[0].released;
}

export async function busTakeReplies(db: Queryable, instance: string, max = 100): Promise<AgentMessageRow[]> {
  const { rows } = await db.query<AgentMessageRow>('select * from public.bus_take_replies($1, $2)', [instance, max]);
  return rows;
}

export async function busSubscribe(db: Queryable, group: string, patterns: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ added: number }>('select public.bus_subscribe($1, $2::text[]) as added', [
    group,
    patterns,
  ]);
  return rows[0].added;
}

export async function busUnsubscribe(db: Queryable, group: string, patterns: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ removed: number }>('select public.bus_unsubscribe($1, $2::text[]) as removed', [
    group,
    patterns,
  ]);
  return rows[0].removed;
}

/** The row as it is now. */
export async function messageById(db: Queryable, id: string): Promise<AgentMessageRow> {
  const { rows } = await db.query<AgentMessageRow>('select * from public.agent_messages where id = $1', [id]);
  if (rows.length !== 1) throw new Error(`agent_messages has no row ${id}`);
  return rows[0];
}

/** Every reply written for a request, oldest first. */
export async function repliesTo(db: Queryable, requestId: string): Promise<AgentMessageRow[]> {
  const { rows } = await db.query<AgentMessageRow>(
    "select * from public.agent_messages where kind = 'reply' and correlation_id = $1 order by created_at",
    [requestId],
  );
  return rows;
}

/** How many rows agent_messages holds for a recipient. */
export async function countMessagesFor(db: Queryable, recipient: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    'select count(*)::integer as count from public.agent_messages where recipient = $1',
    [recipient],
  );
  return rows[0].count;
}

/** Moves the clock past a lease without waiting for it: the lease ran out a second ago. */
export async function letLeaseRunOut(db: Queryable, id: string): Promise<void> {
  await db.query("update public.agent_messages set lease_until = now() - interval '1 second' where id = $1", [id]);
}

/** Moves the clock past a retry backoff without waiting for it. */
export async function makeDue(db: Queryable, id: string): Promise<void> {
  await db.query("update public.agent_messages set available_at = now() - interval '1 millisecond' where id = $1", [
    id,
  ]);
}

/** The fencing token a claimed row carries. */
export function leaseOf(message: AgentMessageRow): Lease {
  return { id: message.id, attempt: message.attempts };
}
