import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@cogo/store';
import type { MessageKind, MessageStatus, TraceEventRecord, TraceMessageRecord, TraceRecords } from './trace-records';

/** Rows read per table at most: a trace that indexes a large repository publishes many progress events. */
export const TRACE_ROW_LIMIT = 5_000;

interface MessageRow {
  id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: MessageKind;
  pattern: string;
  sender: string;
  recipient: string;
  correlation_id: string | null;
  status: MessageStatus;
  attempts: number;
  max_attempts: number;
  error: unknown;
  created_at: Date;
  available_at: Date;
  claimed_at: Date | null;
  completed_at: Date | null;
}

interface EventRow {
  id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  type: string;
  source: string;
  data: unknown;
  created_at: Date;
}

/**
 * Every `agent_messages` and `bus_events` row of one trace (both through their `(trace_id,
 * created_at)` index), read in one repeatable-read snapshot so the two tables agree. Payloads are
 * left out: they can be large and say nothing about timing.
 */
@Injectable()
export class TraceQueryRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async rowsOfTrace(traceId: string, limit = TRACE_ROW_LIMIT): Promise<TraceRecords> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin transaction isolation level repeatable read read only');
      const messages = await this.messagesOf(client, traceId, limit);
      const events = await this.eventsOf(client, traceId, limit);
      await client.query('commit');
      return {
        messages: messages.slice(0, limit),
        events: events.slice(0, limit),
        truncated: messages.length > limit || events.length > limit,
      };
    } catch (error) {
      await client.query('rollback').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A connection that could not even roll back is dropped, not handed to the next caller.
      client.release(broken);
    }
  }

  private async messagesOf(client: PoolClient, traceId: string, limit: number): Promise<TraceMessageRecord[]> {
    const { rows } = await client.query<MessageRow>(
      `select id, trace_id, span_id, parent_span_id, kind, pattern, sender, recipient, correlation_id,
              status, attempts, max_attempts, error, created_at, available_at, claimed_at, completed_at
       from public.agent_messages
       where trace_id = $1
       order by created_at, id
       limit $2`,
      [traceId, limit + 1],
    );
    return rows.map((row) => ({
      id: row.id,
      traceId: row.trace_id,
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      kind: row.kind,
      pattern: row.pattern,
      sender: row.sender,
      recipient: row.recipient,
      correlationId: row.correlation_id,
      status: row.status,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      error: row.error,
      createdAt: row.created_at,
      availableAt: row.available_at,
      claimedAt: row.claimed_at,
      completedAt: row.completed_at,
    }));
  }

  private async eventsOf(client: PoolClient, traceId: string, limit: number): Promise<TraceEventRecord[]> {
    const { rows } = await client.query<EventRow>(
      `select id, trace_id, span_id, parent_span_id, type, source, data, created_at
       from public.bus_events
       where trace_id = $1
       order by created_at, id
       limit $2`,
      [traceId, limit + 1],
    );
    return rows.map((row) => ({
      id: row.id,
      traceId: row.trace_id,
      spanId: row.span_id,
      parentSpanId: row.parent_span_id,
      type: row.type,
      source: row.source,
      data: row.data,
      createdAt: row.created_at,
    }));
  }
}
