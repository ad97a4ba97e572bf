import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BusHealthIndicator } from './bus.health-indicator';
import { HealthController } from './health.controller';

/** `/health`, `/health/live`, `/health/ready` for every agent. Needs `BusModule`. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [BusHealthIndicator],
})
export class HealthModule {}
