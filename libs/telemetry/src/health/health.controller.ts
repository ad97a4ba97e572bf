import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { BusHealthIndicator } from './bus.health-indicator';

/**
 * `/health/live`: the process serves HTTP (restart it if not). `/health/ready`: it can do its
 * work, i.e. the database answers and the bus subscription is live (take it out of rotation if
 * not; 503 with the reasons). `/health` is `ready`.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly bus: BusHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get()
  @HealthCheck()
  overall(): Promise<HealthCheckResult> {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.bus.database(), () => this.bus.subscription()]);
  }
}
