/**
 * Gate samples read from the bus tables: finished deliveries and orchestrator decisions. One query
 * for the orchestrator's run gate and the gate scripts alike.
 */
import type { Pool } from 'pg';
import type { DecisionRecord, MessageOutcome, OutcomeSample } from '@cogo/gates';

export interface SampleWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Finished requests and event deliveries (not replies) created in the window, or of one trace. */
export async function outcomeSamples(pool: Pool, scope: SampleWindow | { traceId: string }): Promise<OutcomeSample[]> {
  const where = 'traceId' in scope ? 'trace_id = $1' : 'created_at >= $1 and created_at < $2';
  const values = 'traceId' in scope ? [scope.traceId] : [scope.from, scope.to];
  const { rows } = await pool.query<{
    pattern: string;
    status: MessageOutcome;
    duration_ms: number;
    completed_at: Date;
  }>(
    `select pattern, status, extract(epoch from (completed_at - created_at)) * 1000 as duration_ms, completed_at
     from agent_messages
     where ${where} and kind in ('request', 'event') and status in ('done', 'failed', 'dead', 'expired')`,
    values,
  );
  return rows.map((row) => ({
    pattern: row.pattern,
    outcome: row.status,
    durationMs: Number(row.duration_ms),
    finishedAt: row.completed_at,
  }));
}

/**
 * Decisions made in the window, with the outcome of the workflow each one started: from the
 * `orchestrator.decision` and `orchestrator.decision.outcome` events. A decision without a
 * template (ambiguous or invalid intent) started nothing and is not judged here; one whose
 * workflow has not finished is pending.
 */
export async function decisionSamples(pool: Pool, window: SampleWindow): Promise<DecisionRecord[]> {
  const { rows } = await pool.query<{
    decision_id: string;
    template: string;
    outcome: string | null;
    replanned: boolean | null;
  }>(
    `select d.data->>'decisionId' as decision_id, d.data->>'template' as template,
            o.data->>'outcome' as outcome, (o.data->>'replanned')::boolean as replanned
     from bus_events d
     left join bus_events o
       on o.type = 'orchestrator.decision.outcome' and o.data->>'decisionId' = d.data->>'decisionId'
     where d.type = 'orchestrator.decision' and d.data->>'template' is not null
       and d.created_at >= $1 and d.created_at < $2`,
    [window.from, window.to],
  );
  return rows.map((row) => ({
    decisionId: row.decision_id,
    template: row.template,
    outcome: row.outcome === 'succeeded' ? 'succeeded' : row.outcome === 'failed' ? 'failed' : 'pending',
    replanned: row.replanned ?? false,
  }));
}
