import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';

/** Indexes a source tree into Postgres. */
@Module({})
export class IndexingWorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: IndexingWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config, ['index.repository']), routes: BUS_ROUTES }),
        HealthModule,
      ],
    };
  }
}
