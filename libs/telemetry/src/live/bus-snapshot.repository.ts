import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cogo/store';
import type { AgentInstanceFigures, BusSnapshot, BusTotals, DeadLetter, QueueFigures } from './bus-snapshot';

export interface BusSnapshotOptions {
  /** The window of the done and failed rates. */
  readonly rateWindowMs?: number;
  /** An instance whose last heartbeat is older than this is stale (heartbeats come every 5 s). */
  readonly staleAfterMs?: number;
  readonly deadLetterLimit?: number;
}

/**
 * The bus as it stands, straight from `agent_messages` and `agent_instances`: queue depth, in
 * flight, recent throughput and dead letters per agent group and pattern. For the developer's live
 * view, which reads it about once a second; the totals and dead letters scan the table, which a
 * development database affords.
 */
@Injectable()
export class BusSnapshotRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async snapshot(options: BusSnapshotOptions = {}): Promise<BusSnapshot> {
    const rateWindowMs = options.rateWindowMs ?? 10_000;
    const [at, totals, queues, instances, deadLetters] = await Promise.all([
      this.now(),
      this.totals(),
      this.queues(rateWindowMs),
      this.instances(options.staleAfterMs ?? 15_000),
      this.deadLetters(options.deadLetterLimit ?? 10),
    ]);
    return { at, rateWindowMs, totals, queues, instances, deadLetters };
  }

  private async now(): Promise<Date> {
    const { rows } = await this.pool.query<{ now: Date }>('select now() as now');
    return rows[0].now;
  }

  private async totals(): Promise<BusTotals> {
    const { rows } = await this.pool.query<BusTotals>(
      `select count(*)::integer as messages,
              count(*) filter (where status = 'queued')::integer as queued,
              count(*) filter (where status = 'claimed')::integer as claimed,
              count(*) filter (where status = 'done')::integer as done,
              count(*) filter (where status in ('failed', 'expired'))::integer as failed,
              count(*) filter (where status = 'dead')::integer as dead
       from public.agent_messages`,
    );
    return rows[0];
  }

  private async queues(rateWindowMs: number): Promise<QueueFigures[]> {
    const { rows } = await this.pool.query<{
      agent: string;
      pattern: string;
      kind: 'request' | 'event';
      queued: number;
      claimed: number;
      done_recently: number;
      failed_recently: number;
      dead: number;
    }>(
      `select split_part(recipient, ':', 1) as agent, pattern, kind,
              count(*) filter (where status = 'queued')::integer as queued,
              count(*) filter (where status = 'claimed')::integer as claimed,
              count(*) filter (where status = 'done' and completed_at >= now() - make_interval(secs => $1::float8 / 1000))::integer
                as done_recently,
              count(*) filter (where status in ('failed', 'expired')
                               and completed_at >= now() - make_interval(secs => $1::float8 / 1000))::integer
                as failed_recently,
              count(*) filter (where status = 'dead')::integer as dead
       from public.agent_messages
       where kind <> 'reply'
         and (status in ('queued', 'claimed', 'dead') or completed_at >= now() - make_interval(secs => $1::float8 / 1000))
       group by 1, 2, 3
       order by split_part(recipient, ':', 1) collate "C", pattern collate "C", kind`,
      [rateWindowMs],
    );
    return rows.map((row) => ({
      agent: row.agent,
      pattern: row.pattern,
      kind: row.kind,
      queued: row.queued,
      claimed: row.claimed,
      doneRecently: row.done_recently,
      failedRecently: row.failed_recently,
      dead: row.dead,
    }));
  }

  private async instances(staleAfterMs: number): Promise<AgentInstanceFigures[]> {
    const { rows } = await this.pool.query<{
      instance_id: string;
      agent: string;
      started_at: Date;
      heartbeat_at: Date;
      heartbeat_age_ms: number;
    }>(
      `select instance_id, agent, started_at, heartbeat_at,
              greatest(0, extract(epoch from (now() - heartbeat_at)) * 1000)::float8 as heartbeat_age_ms
       from public.agent_instances
       order by agent collate "C", instance_id collate "C"`,
    );
    return rows.map((row) => ({
      instanceId: row.instance_id,
      agent: row.agent,
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
      heartbeatAgeMs: Math.round(row.heartbeat_age_ms),
      live: row.heartbeat_age_ms < staleAfterMs,
    }));
  }

  private async deadLetters(limit: number): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<{
      id: string;
      trace_id: string;
      pattern: string;
      recipient: string;
      attempts: number;
      error: unknown;
      created_at: Date;
      completed_at: Date | null;
    }>(
      `select id, trace_id, pattern, recipient, attempts, error, created_at, completed_at
       from public.agent_messages
       where status = 'dead'
       order by coalesce(completed_at, created_at) desc, id
       limit $1`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      traceId: row.trace_id,
      pattern: row.pattern,
      recipient: row.recipient,
      attempts: row.attempts,
      error: row.error,
      createdAt: row.created_at,
      completedAt: row.completed_at,
    }));
  }
}
