import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';

/** Turns intents into plans, runs workflows and records its decisions. */
@Module({})
export class OrchestratorModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: OrchestratorModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config), routes: BUS_ROUTES }),
        HealthModule,
      ],
    };
  }
}
