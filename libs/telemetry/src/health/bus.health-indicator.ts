import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BUS_DRIVER, type BusDriver, BusServer } from '@cogo/bus';

/** What readiness needs from the bus: its database, and a live subscription to wake-ups. */
@Injectable()
export class BusHealthIndicator {
  constructor(
    @Inject(BUS_DRIVER) private readonly driver: BusDriver,
    private readonly server: BusServer,
    private readonly health: HealthIndicatorService,
  ) {}

  /** The database behind the bus answers a round trip within the timeout. */
  database(timeoutMs = 2_000): PromiseLike<HealthIndicatorResult<'database'>> {
    return this.health
      .check('database')
      .attempt(async () => {
        await this.driver.ping();
        return { driver: this.driver.name };
      })
      .withTimeout(timeoutMs);
  }

  /**
   * The bus server listens: its wake-up channel (LISTEN or Realtime) is connected. Until then it
   * only finds work on its idle poll, and not at all before it started or once it drains.
   */
  subscription(): HealthIndicatorResult<'bus'> {
    const status = this.server.currentStatus ?? 'not started';
    const check = this.health.check('bus');
    return status === 'connected' ? check.up({ subscription: status }) : check.down({ subscription: status });
  }
}
