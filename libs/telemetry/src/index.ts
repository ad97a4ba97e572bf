export { BusHealthIndicator } from './health/bus.health-indicator';
export { HealthController } from './health/health.controller';
export { HealthModule } from './health/health.module';
