import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { OutcomeSample } from '@cogo/gates';
import { PG_POOL } from '@cogo/store';
import { outcomeSamples } from '@cogo/telemetry';

/** Finished deliveries of one trace, as gate samples (the same query the gate scripts use). */
@Injectable()
export class TraceOutcomeRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  outcomesOfTrace(traceId: string): Promise<OutcomeSample[]> {
    return outcomeSamples(this.pool, { traceId });
  }
}
