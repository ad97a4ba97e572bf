import type { Pool, PoolClient } from 'pg';
import { MigrationError } from '../errors/migration.error';
import { readMigrationFiles, type MigrationFile } from './migration-file';

export interface MigrationRunOptions {
  /** Directory of `<YYYYMMDDHHMMSS>_<name>.sql` files, applied in version order. */
  readonly directory: string;
  /** How long to wait for another process that is migrating the same database. */
  readonly lockTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface MigrationRunResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

/** Arbitrary constant shared by every runner, so two processes never migrate at once. */
const MIGRATION_LOCK_KEY = 727_100_001;

/**
 * Roles that Supabase provides and the migrations grant to. On plain Postgres they are created
 * first (without login), so the same files run unchanged on both; service_role bypasses RLS as it
 * does on Supabase.
 */
export const SUPABASE_ROLES_SQL = `
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;
grant usage on schema public to anon, authenticated, service_role;
`;

const HISTORY_SQL = `
create schema if not exists cogo_meta;
create table if not exists cogo_meta.schema_migrations (
  version text primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table cogo_meta.schema_migrations enable row level security;
revoke all on schema cogo_meta from public;
`;

interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
}

/**
 * Applies `supabase/migrations` in order, each exactly once and in its own transaction, and
 * records it in `cogo_meta.schema_migrations`. Refuses to start when an applied file was edited,
 * when an applied migration is missing from disk, or when a new file sorts before one already
 * applied: each of these means the database and the code disagree about the schema.
 */
export async function runMigrations(pool: Pool, options: MigrationRunOptions): Promise<MigrationRunResult> {
  const files = readMigrationFiles(options.directory);
  const log = options.log ?? (() => undefined);
  const client = await pool.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? 60_000);
    try {
      await client.query(SUPABASE_ROLES_SQL);
      await client.query(HISTORY_SQL);
      const { rows } = await client.query<AppliedRow>(
        'select version, name, checksum from cogo_meta.schema_migrations order by version',
      );
      const pending = planPending(files, rows);
      for (const migration of pending) {
        await applyOne(client, migration);
        log(`applied migration ${migration.file}`);
      }
      return { applied: pending.map((m) => m.file), alreadyApplied: rows.length };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

function planPending(files: readonly MigrationFile[], applied: readonly AppliedRow[]): MigrationFile[] {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) {
      throw new MigrationError(
        `The database has migration ${row.version}_${row.name} applied, but supabase/migrations has no such file. ` +
          'This code is older than the database: update the checkout, or use a fresh database.',
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `${file.file} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Applied migrations are immutable: revert the edit and put the change in a new migration file. ` +
          'A local development database you can rebuild may instead be started afresh (npm start: delete .cogo/).',
        file.file,
      );
    }
  }
  const appliedVersions = new Set(applied.map((row) => row.version));
  const latestApplied = applied.at(-1)?.version;
  const pending = files.filter((file) => !appliedVersions.has(file.version));
  const outOfOrder = pending.find((file) => latestApplied !== undefined && file.version < latestApplied);
  if (outOfOrder) {
    throw new MigrationError(
      `${outOfOrder.file} sorts before ${latestApplied}, which is already applied. Rename it with a timestamp later than ${latestApplied}.`,
      outOfOrder.file,
    );
  }
  return pending;
}

async function applyOne(client: PoolClient, migration: MigrationFile): Promise<void> {
  await client.query('begin');
  try {
    await client.query(migration.sql);
    await client.query('insert into cogo_meta.schema_migrations (version, name, checksum) values ($1, $2, $3)', [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`${migration.file} failed and was rolled back: ${detail}`, migration.file);
  }
}

async function acquireLock(client: PoolClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
      MIGRATION_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() > deadline) {
      throw new MigrationError(
        `Another process has been migrating this database for over ${timeoutMs} ms. Wait for it to finish, or find the session holding advisory lock ${MIGRATION_LOCK_KEY} in pg_locks.`,
      );
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}
