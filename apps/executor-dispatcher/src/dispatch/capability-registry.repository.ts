import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cogo/store';

export interface CapableAgent {
  readonly agent: string;
  readonly instances: number;
  readonly lastHeartbeatAt: Date;
}

/** Live agents by capability, from the presence heartbeats in `agent_instances`. */
@Injectable()
export class CapabilityRegistryRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async capableAgents(capability: string, staleMs: number): Promise<CapableAgent[]> {
    const { rows } = await this.pool.query<{ agent: string; instances: number; last_heartbeat_at: Date }>(
      'select * from public.bus_capable_agents($1, $2)',
      [capability, staleMs],
    );
    return rows.map((row) => ({ agent: row.agent, instances: row.instances, lastHeartbeatAt: row.last_heartbeat_at }));
  }
}
