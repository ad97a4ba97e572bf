import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { MessageOutcome, OutcomeSample } from '@cogo/gates';
import { PG_POOL } from '@cogo/store';
import type { EventLogEntry, EventTypeCount } from './event-log';

/** A half-open window `[from, to)` on the database clock. */
export interface ClockWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Finished deliveries read at most for one latency report. */
export const LATENCY_SAMPLE_LIMIT = 100_000;

/**
 * The bus's recent activity over a time window: finished deliveries (for latency) and the event
 * log. Windows are measured on the database's clock, which stamped the rows.
 */
@Injectable()
export class BusActivityRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The window of `ms` milliseconds that ends now. */
  async windowEndingNow(ms: number): Promise<ClockWindow> {
    const { rows } = await this.pool.query<{ from_at: Date; to_at: Date }>(
      'select now() - make_interval(secs => $1::float8 / 1000) as from_at, now() as to_at',
      [ms],
    );
    return { from: rows[0].from_at, to: rows[0].to_at };
  }

  /**
   * Requests and event deliveries that reached a final state in the window, latest first, with
   * their time from enqueue to completion. Replies are left out: their time is the requester's.
   */
  async finishedDeliveries(
    window: ClockWindow,
    limit = LATENCY_SAMPLE_LIMIT,
  ): Promise<{ samples: OutcomeSample[]; truncated: boolean }> {
    const { rows } = await this.pool.query<{
      pattern: string;
      status: MessageOutcome;
      duration_ms: number;
      completed_at: Date;
    }>(
      `select pattern, status,
              (extract(epoch from (completed_at - created_at)) * 1000)::float8 as duration_ms,
              completed_at
       from public.agent_messages
       where kind in ('request', 'event')
         and status in ('done', 'failed', 'dead', 'expired')
         and completed_at >= $1 and completed_at < $2
       order by completed_at desc
       limit $3`,
      [window.from, window.to, limit + 1],
    );
    return {
      samples: rows.slice(0, limit).map((row) => ({
        pattern: row.pattern,
        outcome: row.status,
        durationMs: Math.max(0, row.duration_ms),
        finishedAt: row.completed_at,
      })),
      truncated: rows.length > limit,
    };
  }

  /** How many events of each type were written in the window, most frequent first. */
  async eventCounts(window: ClockWindow): Promise<EventTypeCount[]> {
    const { rows } = await this.pool.query<EventTypeCount>(
      `select type, count(*)::integer as count
       from public.bus_events
       where created_at >= $1 and created_at < $2
       group by type
       order by count desc, type collate "C"`,
      [window.from, window.to],
    );
    return rows;
  }

  /** Events of the window (of one type, or all when `type` is null), newest first. */
  async eventsWithin(
    window: ClockWindow,
    type: string | null,
    offset: number,
    limit: number,
  ): Promise<EventLogEntry[]> {
    const { rows } = await this.pool.query<{
      id: string;
      trace_id: string;
      span_id: string;
      parent_span_id: string | null;
      type: string;
      source: string;
      data: unknown;
      created_at: Date;
    }>(
      `select id, trace_id, span_id, parent_span_id, type, source, data, created_at
       from public.bus_events
       where created_at >= $1 and created_at < $2 and ($3::text is null or type = $3)
       order by created_at desc, id desc
       offset $4
       limit $5`,
      [window.from, window.to, type, offset, limit],
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
