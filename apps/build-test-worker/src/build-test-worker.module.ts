import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';

/** Compiles and tests a workspace in a sandboxed child process. */
@Module({})
export class BuildTestWorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: BuildTestWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config, ['build.compile', 'test.run']), routes: BUS_ROUTES }),
        HealthModule,
      ],
    };
  }
}
