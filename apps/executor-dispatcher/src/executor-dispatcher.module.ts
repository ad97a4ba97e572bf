import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';

/** Routes 'execute' requests to a live agent that declared the capability. */
@Module({})
export class ExecutorDispatcherModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ExecutorDispatcherModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config), routes: BUS_ROUTES }),
        HealthModule,
      ],
    };
  }
}
