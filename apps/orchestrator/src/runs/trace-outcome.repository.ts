import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { MessageOutcome, OutcomeSample } from '@cogo/gates';
import { PG_POOL } from '@cogo/store';

/** Finished deliveries of one trace, as gate samples. */
@Injectable()
export class TraceOutcomeRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async outcomesOfTrace(traceId: string): Promise<OutcomeSample[]> {
    const { rows } = await this.pool.query<{
      pattern: string;
      status: MessageOutcome;
      duration_ms: number;
      completed_at: Date;
    }>(
      `select pattern, status, extract(epoch from (completed_at - created_at)) * 1000 as duration_ms, completed_at
       from agent_messages
       where trace_id = $1 and kind in ('request', 'event') and status in ('done', 'failed', 'dead', 'expired')`,
      [traceId],
    );
    return rows.map((row) => ({
      pattern: row.pattern,
      outcome: row.status,
      durationMs: Number(row.duration_ms),
      finishedAt: row.completed_at,
    }));
  }
}
