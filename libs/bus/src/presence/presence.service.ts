import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { BUS_DRIVER, BUS_MODULE_OPTIONS } from '../bus.constants';
import type { BusDriver } from '../interfaces/bus-driver.interface';
import type { BusModuleOptions } from '../interfaces/bus-module-options.interface';

/**
 * Keeps this instance's row in `agent_instances` fresh (heartbeat), so the dispatcher can route
 * to it and operators can see it; removes it on a clean shutdown. A failed heartbeat is logged
 * and retried on the next tick: presence must never crash the agent.
 */
@Injectable()
export class PresenceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  private timer?: NodeJS.Timeout;
  /** The heartbeat in flight, awaited before deregistering so it cannot bring the presence back. */
  private beating?: Promise<void>;
  private readonly patterns = new Set<string>();
  private lastBeatAt?: Date;
  private failing = false;

  constructor(
    @Inject(BUS_DRIVER) private readonly driver: BusDriver,
    @Inject(BUS_MODULE_OPTIONS) private readonly options: BusModuleOptions,
  ) {}

  /** Patterns served by this instance, published with its presence. */
  addPatterns(patterns: Iterable<string>): void {
    for (const pattern of patterns) this.patterns.add(pattern);
  }

  get lastHeartbeatAt(): Date | undefined {
    return this.lastBeatAt;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  /**
   * The next heartbeat: after the interval, or after a second while the last one failed, so that a
   * database restart costs the instance about a second of presence instead of whole intervals (the
   * dispatcher counts an instance whose heartbeat is older than 15 s as gone).
   */
  private schedule(): void {
    const intervalMs = this.options.heartbeatMs ?? 5_000;
    this.timer = setTimeout(
      () => {
        this.beating = this.beat();
        void this.beating.then(() => {
          if (this.timer) this.schedule();
        });
      },
      this.failing ? Math.min(1_000, intervalMs) : intervalMs,
    );
    this.timer.unref();
  }

  /** Before the driver closes (it does so in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.driver.deregister(this.options.instanceId).catch((error: unknown) => {
      this.logger.warn(`could not remove presence of ${this.options.instanceId}: ${String(error)}`);
    });
  }

  private async beat(): Promise<void> {
    try {
      await this.driver.heartbeat({
        instanceId: this.options.instanceId,
        agent: this.options.agent,
        capabilities: this.options.capabilities ?? [],
        patterns: [...this.patterns],
        version: this.options.version,
        host: hostname(),
        pid: process.pid,
      });
      this.lastBeatAt = new Date();
      if (this.failing) this.logger.log('presence heartbeat recovered');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`presence heartbeat failed, will retry: ${String(error)}`);
      this.failing = true;
    }
  }
}
