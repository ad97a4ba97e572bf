import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Events } from '@cogo/contracts';
import { PG_POOL } from '@cogo/store';
import type { DecisionFact, OutcomeFact } from './decision-records';

/** The decisions of the orchestrator and the outcomes of their workflows, from `bus_events`. */
@Injectable()
export class DecisionEventRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Decisions recorded in the `ms` milliseconds up to now, and that window on the database clock. */
  async decisionsWithin(ms: number): Promise<{ from: Date; to: Date; decisions: DecisionFact[] }> {
    // The left join keeps the window's row when there was no decision in it.
    const { rows } = await this.pool.query<{
      from_at: Date;
      to_at: Date;
      decision_id: string | null;
      template: string | null;
      event_id: string | null;
    }>(
      `with bounds as (select now() - make_interval(secs => $1::float8 / 1000) as from_at, now() as to_at)
       select b.from_at, b.to_at, e.id as event_id, e.data->>'decisionId' as decision_id, e.data->>'template' as template
       from bounds b
       left join public.bus_events e
         on e.type = $2 and e.created_at >= b.from_at and e.created_at < b.to_at
       order by e.created_at`,
      [ms, Events.OrchestratorDecision],
    );
    return {
      from: rows[0].from_at,
      to: rows[0].to_at,
      decisions: rows
        .filter((row) => row.event_id !== null)
        .map((row) => ({ decisionId: row.decision_id, template: row.template })),
    };
  }

  /** Outcomes reported since `since` for the given decisions. */
  async outcomesOf(decisionIds: readonly string[], since: Date): Promise<OutcomeFact[]> {
    if (decisionIds.length === 0) return [];
    const { rows } = await this.pool.query<{
      decision_id: string;
      outcome: string | null;
      replanned: boolean;
      created_at: Date;
    }>(
      `select data->>'decisionId' as decision_id, data->>'outcome' as outcome,
              coalesce(data->'replanned' = 'true'::jsonb, false) as replanned, created_at
       from public.bus_events
       where type = $1 and created_at >= $2 and data->>'decisionId' = any ($3::text[])`,
      [Events.OrchestratorDecisionOutcome, since, decisionIds],
    );
    return rows.map((row) => ({
      decisionId: row.decision_id,
      outcome: row.outcome,
      replanned: row.replanned,
      at: row.created_at,
    }));
  }
}
