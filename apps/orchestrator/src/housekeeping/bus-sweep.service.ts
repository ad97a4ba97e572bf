import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cogo/store';

export const SWEEP_OPTIONS = Symbol('SWEEP_OPTIONS');

export interface SweepOptions {
  /** How often to sweep. */
  readonly intervalMs: number;
  /** A reply older than this whose requester has no recent presence is expired. */
  readonly replyTtlMs: number;
  /** Presence older than this is removed (the instance is gone). */
  readonly instanceTtlMs: number;
}

export interface SweepResult {
  readonly repliesExpired: number;
  readonly instancesRemoved: number;
}

/**
 * Clears what crashed processes leave on the bus (`bus_sweep`): replies nobody will collect and the
 * presence of instances that are gone. Every orchestrator instance may run it; it is idempotent.
 */
@Injectable()
export class BusSweepService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BusSweepService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SWEEP_OPTIONS) private readonly options: SweepOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepQuietly(), this.options.intervalMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<SweepResult> {
    const { rows } = await this.pool.query<{ replies_expired: number; instances_removed: number }>(
      'select * from public.bus_sweep($1, $2)',
      [this.options.replyTtlMs, this.options.instanceTtlMs],
    );
    return { repliesExpired: rows[0].replies_expired, instancesRemoved: rows[0].instances_removed };
  }

  private async sweepQuietly(): Promise<void> {
    try {
      const result = await this.sweep();
      if (result.repliesExpired > 0 || result.instancesRemoved > 0) {
        this.logger.log(
          `swept ${result.repliesExpired} uncollected repl${result.repliesExpired === 1 ? 'y' : 'ies'} and ${result.instancesRemoved} gone instance(s)`,
        );
      }
    } catch (error) {
      this.logger.warn(`bus sweep failed, will try again: ${String(error)}`);
    }
  }
}
