import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cogo/store';
import { type TraceListEntry, traceListEntry } from './trace-list-entry';

/** A workflow run found by its trace, with its steps in order. */
export interface TraceRun {
  readonly id: string;
  readonly template: string;
  readonly status: string;
  readonly error: unknown;
  readonly steps: readonly TraceRunStep[];
}

export interface TraceRunStep {
  readonly name: string;
  readonly capability: string;
  readonly status: string;
  readonly attempts: number;
  readonly error: unknown;
}

/**
 * Traces as a list, newest first, and the workflow run a trace belongs to. The list groups all of
 * `agent_messages` by trace, which a development database affords.
 */
@Injectable()
export class TraceListRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * The `limit` most recently started traces, leaving out those started by a message of one of
   * `hiddenRootPatterns` (read-only lookups such as a run's state, asked every half second while
   * waiting for a run, would bury the flows).
   */
  async recent(limit: number, hiddenRootPatterns: readonly string[] = []): Promise<TraceListEntry[]> {
    const { rows } = await this.pool.query<{
      trace_id: string;
      root_pattern: string;
      started_at: Date;
      finished_at: Date | null;
      messages: number;
      failures: number;
      in_flight: number;
      run_id: string | null;
      run_template: string | null;
      run_status: string | null;
    }>(
      `with traces as (
         select trace_id, min(created_at) as started_at, max(coalesce(completed_at, created_at)) as finished_at,
                count(*)::integer as messages,
                count(*) filter (where status in ('failed', 'dead', 'expired'))::integer as failures,
                count(*) filter (where status in ('queued', 'claimed'))::integer as in_flight
         from public.agent_messages
         group by trace_id
       ), rooted as (
         select t.*, root.pattern as root_pattern
         from traces t
         cross join lateral (
           select m.pattern from public.agent_messages m
           where m.trace_id = t.trace_id
           order by m.created_at, m.id
           limit 1
         ) root
       )
       select r.trace_id, r.root_pattern, r.started_at, r.finished_at, r.messages, r.failures, r.in_flight,
              run.id as run_id, run.template as run_template, run.status as run_status
       from rooted r
       left join lateral (
         select w.id, w.template, w.status from public.workflow_runs w
         where w.trace_id = r.trace_id
         order by w.created_at
         limit 1
       ) run on true
       where r.root_pattern <> all($2::text[])
       order by r.started_at desc, r.trace_id
       limit $1`,
      [limit, hiddenRootPatterns],
    );
    return rows.map((row) =>
      traceListEntry({
        traceId: row.trace_id,
        rootPattern: row.root_pattern,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        messages: row.messages,
        failures: row.failures,
        inFlight: row.in_flight,
        run:
          row.run_id && row.run_template && row.run_status
            ? { id: row.run_id, template: row.run_template, status: row.run_status }
            : null,
      }),
    );
  }

  /** The first workflow run started in the trace, with its steps; `null` when it started none. */
  async runOfTrace(traceId: string): Promise<TraceRun | null> {
    const { rows } = await this.pool.query<{ id: string; template: string; status: string; error: unknown }>(
      `select id, template, status, error from public.workflow_runs
       where trace_id = $1
       order by created_at
       limit 1`,
      [traceId],
    );
    if (rows.length === 0) return null;
    const steps = await this.pool.query<TraceRunStep>(
      `select name, capability, status, attempts, error from public.workflow_steps
       where run_id = $1
       order by index`,
      [rows[0].id],
    );
    return { ...rows[0], steps: steps.rows };
  }
}
