export { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded/embedded-postgres';
export { locatePostgresBinaries, type PostgresBinaries } from './embedded/postgres-binaries';
export { EmbeddedPostgresError } from './errors/embedded-postgres.error';
export { MigrationError } from './errors/migration.error';
export { readMigrationFiles, type MigrationFile } from './migrations/migration-file';
export {
  runMigrations,
  SUPABASE_ROLES_SQL,
  type MigrationRunOptions,
  type MigrationRunResult,
} from './migrations/migration-runner';
export { createPgPool, redactConnectionString, type PgPoolOptions } from './pool/pg-pool.factory';
export { PG_POOL, StoreModule } from './nest/store.module';
