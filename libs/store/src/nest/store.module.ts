import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPgPool, type PgPoolOptions } from '../pool/pg-pool.factory';

/** Injection token of the agent's `pg` pool for its own tables (workflow runs, the code index, ...). */
export const PG_POOL = Symbol('PG_POOL');

/** Provides one `pg` pool per agent process, closed at shutdown. */
@Global()
@Module({})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  static forRoot(options: PgPoolOptions): DynamicModule {
    return {
      module: StoreModule,
      providers: [{ provide: PG_POOL, useFactory: () => createPgPool(options) }],
      exports: [PG_POOL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
