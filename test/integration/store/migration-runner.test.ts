import { appendFileSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import { MigrationError, createPgPool, runMigrations } from '@cogo/store';
import { createEmptyDatabase } from '../../support/test-database';

const MIGRATIONS = resolve(__dirname, '../../../supabase/migrations');
const SHIPPED = readdirSync(MIGRATIONS)
  .filter((file) => file.endsWith('.sql'))
  .sort();
const LATEST = SHIPPED[SHIPPED.length - 1].slice(0, 14);

describe('runMigrations', () => {
  let database: { url: string; drop(): Promise<void> };
  let pool: Pool;
  let directory: string;

  beforeEach(async () => {
    database = await createEmptyDatabase();
    pool = createPgPool({ connectionString: database.url, max: 2 });
    directory = join(mkdtempSync(join(tmpdir(), 'cogo-migrations-')), 'migrations');
    cpSync(MIGRATIONS, directory, { recursive: true });
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it('applies every migration once, in order, and records it', async () => {
    const first = await runMigrations(pool, { directory });
    expect(first.applied).toEqual(SHIPPED);
    expect(first.applied.slice(0, 3)).toEqual([
      '20261127100000_bus_tables.sql',
      '20261127100100_bus_functions.sql',
      '20261127100200_bus_security.sql',
    ]);
    const second = await runMigrations(pool, { directory });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(SHIPPED.length);
    const { rows } = await pool.query<{ version: string }>(
      'select version from cogo_meta.schema_migrations order by version',
    );
    expect(rows.map((row) => row.version)).toEqual(SHIPPED.map((file) => file.slice(0, 14)));
  });

  it('creates the Supabase roles that plain Postgres lacks', async () => {
    await runMigrations(pool, { directory });
    const { rows } = await pool.query<{ rolname: string; rolbypassrls: boolean; rolcanlogin: boolean }>(
      "select rolname, rolbypassrls, rolcanlogin from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by rolname",
    );
    expect(rows).toEqual([
      { rolname: 'anon', rolbypassrls: false, rolcanlogin: false },
      { rolname: 'authenticated', rolbypassrls: false, rolcanlogin: false },
      { rolname: 'service_role', rolbypassrls: true, rolcanlogin: false },
    ]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    await runMigrations(pool, { directory });
    appendFileSync(join(directory, '20261127100100_bus_functions.sql'), '\n-- an innocent-looking edit\n');
    await expect(runMigrations(pool, { directory })).rejects.toThrow(
      /20261127100100_bus_functions\.sql was edited after it was applied/,
    );
  });

  it('applies a new migration and rolls back a failing one without recording it', async () => {
    await runMigrations(pool, { directory });
    writeFileSync(join(directory, '29991127110000_add_note.sql'), 'create table public.note (id int);');
    writeFileSync(join(directory, '29991127120000_broken.sql'), 'create table public.half (id int);\nselect nope;');
    const failure = runMigrations(pool, { directory });
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/29991127120000_broken\.sql failed and was rolled back/);
    const { rows } = await pool.query<{ version: string }>(
      'select version from cogo_meta.schema_migrations order by version desc limit 1',
    );
    expect(rows[0].version).toBe('29991127110000');
    const half = await pool.query<{ half: string | null }>("select to_regclass('public.half') as half");
    expect(half.rows[0].half).toBeNull();
  });

  it('refuses a new file that sorts before an applied one', async () => {
    await runMigrations(pool, { directory });
    writeFileSync(join(directory, '20261127090000_late_arrival.sql'), 'select 1;');
    await expect(runMigrations(pool, { directory })).rejects.toThrow(new RegExp(`sorts before ${LATEST}`));
  });

  it('refuses a file that is not named like a migration', async () => {
    writeFileSync(join(directory, 'fix-things.sql'), 'select 1;');
    await expect(runMigrations(pool, { directory })).rejects.toThrow(/fix-things\.sql .* is not named/);
  });

  it('lets only one of two concurrent runners apply the migrations', async () => {
    const other = createPgPool({ connectionString: database.url, max: 2 });
    try {
      const [a, b] = await Promise.all([runMigrations(pool, { directory }), runMigrations(other, { directory })]);
      expect(a.applied.length + b.applied.length).toBe(SHIPPED.length);
    } finally {
      await other.end();
    }
  });
});
