import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';

/** Generates code from a spec and writes it as artifacts. */
@Module({})
export class CodegenWorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CodegenWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config, ['codegen.generate']), routes: BUS_ROUTES }),
        HealthModule,
      ],
    };
  }
}
