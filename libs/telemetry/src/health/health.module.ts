import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TelemetryModule } from '../telemetry.module';
import { BusHealthIndicator } from './bus.health-indicator';
import { HealthController } from './health.controller';

/**
 * `/health`, `/health/live`, `/health/ready` for every agent, and through `TelemetryModule` its
 * `/metrics` and bus metrics. Needs `BusModule`.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), TelemetryModule],
  controllers: [HealthController],
  providers: [BusHealthIndicator],
})
export class HealthModule {}
