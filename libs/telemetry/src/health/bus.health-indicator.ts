import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BUS_DRIVER, type BusDriver } from '@cogo/bus';

/** The database behind the bus answers a round trip within the timeout. */
@Injectable()
export class BusHealthIndicator {
  constructor(
    @Inject(BUS_DRIVER) private readonly driver: BusDriver,
    private readonly health: HealthIndicatorService,
  ) {}

  database(timeoutMs = 2_000): PromiseLike<HealthIndicatorResult<'database'>> {
    return this.health
      .check('database')
      .attempt(async () => {
        await this.driver.ping();
        return { driver: this.driver.name };
      })
      .withTimeout(timeoutMs);
  }
}
