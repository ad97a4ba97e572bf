import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { StoreModule } from '@cogo/store';
import { HealthModule } from '@cogo/telemetry';
import { CapabilityRegistryRepository } from './dispatch/capability-registry.repository';
import { DispatchHandler } from './dispatch/dispatch.handler';
import { DispatchService } from './dispatch/dispatch.service';

/** Routes 'execute' requests to a live agent that declared the capability. */
@Module({})
export class ExecutorDispatcherModule {
  static register(config: AppConfig): DynamicModule {
    if (!config.databaseUrl) {
      throw new Error(
        'The executor-dispatcher reads agent presence from Postgres: set DATABASE_URL (on Supabase: the connection string under Project Settings > Database).',
      );
    }
    return {
      module: ExecutorDispatcherModule,
      imports: [
        ConfigModule.forRoot(config),
        StoreModule.forRoot({
          connectionString: config.databaseUrl,
          applicationName: `${config.instanceId}:store`,
          max: 4,
        }),
        // Handlers wait on workers, so many can be in flight; the lease is renewed while they wait.
        BusModule.forRoot({ ...busOptionsFor(config), routes: BUS_ROUTES, server: { concurrency: 64 } }),
        HealthModule,
      ],
      controllers: [DispatchHandler],
      providers: [DispatchService, CapabilityRegistryRepository],
    };
  }
}
