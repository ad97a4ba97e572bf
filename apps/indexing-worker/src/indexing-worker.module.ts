import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigError, ConfigModule } from '@cogo/config';
import { BUS_ROUTES, Capabilities } from '@cogo/contracts';
import { StoreModule } from '@cogo/store';
import { HealthModule } from '@cogo/telemetry';
import { IndexingHandler } from './indexing.handler';
import { DEFAULT_INDEXING_OPTIONS, INDEXING_OPTIONS } from './indexing.options';
import { IndexingService } from './indexing.service';
import { ClockRepository } from './repositories/clock.repository';
import { CodeIndexRepository } from './repositories/code-index.repository';
import { FileSystemRepository } from './repositories/file-system.repository';

const INDEX_RUNS_PER_PROCESS = 4;

/** Indexes a source tree into Postgres (`code_repositories`, `code_files`, `code_symbols`). */
@Module({})
export class IndexingWorkerModule {
  static register(config: AppConfig): DynamicModule {
    // The code index lives in this worker's own tables, reached with a pg pool: the Supabase
    // client alone cannot run its transactions.
    if (!config.databaseUrl) {
      throw new ConfigError([
        'DATABASE_URL is required by the indexing worker: it keeps the code index in its own Postgres tables ' +
          "(code_repositories, code_files, code_symbols). With Supabase, set it to the project's connection string " +
          '(Project Settings > Database) next to SUPABASE_URL.',
      ]);
    }
    return {
      module: IndexingWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        StoreModule.forRoot({ connectionString: config.databaseUrl, applicationName: config.instanceId }),
        BusModule.forRoot({
          ...busOptionsFor(config, [Capabilities.IndexRepository]),
          routes: BUS_ROUTES,
          // A run is disk- and CPU-bound and holds two pool connections (its lock and its
          // writes): a few at once per process, within the pool's ten. Scale with replicas.
          server: { concurrency: INDEX_RUNS_PER_PROCESS },
        }),
        HealthModule,
      ],
      controllers: [IndexingHandler],
      providers: [
        IndexingService,
        CodeIndexRepository,
        FileSystemRepository,
        ClockRepository,
        { provide: INDEXING_OPTIONS, useValue: DEFAULT_INDEXING_OPTIONS },
      ],
    };
  }
}
