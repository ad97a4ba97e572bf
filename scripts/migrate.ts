/**
 * `node dist/scripts/migrate.js`: applies `supabase/migrations` to the database at DATABASE_URL,
 * then exits (0 when the schema is up to date). The one-shot migration step of a deployment: the
 * `migrate` service of the compose files and the Kubernetes migration Job. Agents never migrate
 * on boot, so replicas starting together do not race; the runner's advisory lock makes two
 * concurrent runs of this script safe as well.
 *
 * Use one migration path per database: this runner records its history in
 * `cogo_meta.schema_migrations`, `supabase db push` in `supabase_migrations.schema_migrations`.
 */
import { join, resolve } from 'node:path';
import { MigrationError, createPgPool, redactConnectionString, runMigrations } from '@cogo/store';

/** dist/scripts/migrate.js -> the project (or image) root, where supabase/migrations lives. */
const ROOT = resolve(__dirname, '..', '..');
const MIGRATIONS_DIR = join(ROOT, 'supabase', 'migrations');

function say(line: string): void {
  process.stdout.write(`[migrate] ${line}\n`);
}

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    process.stderr.write(
      '[migrate] DATABASE_URL is not set. Set it to a direct or session-mode connection ' +
        '(e.g. postgres://user:password@host:5432/postgres); a transaction-mode pooler (port 6543) cannot hold the migration lock.\n',
    );
    return 2;
  }
  const pool = createPgPool({
    connectionString: databaseUrl,
    max: 1,
    applicationName: 'cogo-migrate',
    // A migration may rewrite a large table: no statement timeout beyond the runner's own lock wait.
    statementTimeoutMs: 15 * 60_000,
  });
  try {
    say(`applying ${MIGRATIONS_DIR} to ${redactConnectionString(databaseUrl)}`);
    const result = await runMigrations(pool, { directory: MIGRATIONS_DIR, log: say });
    say(`done: ${result.applied.length} applied, ${result.alreadyApplied} already in place`);
    return 0;
  } catch (error) {
    // MigrationError messages say what to do; anything else (connection refused, bad password)
    // is reported without the connection string, which may carry the password.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[migrate] ${error instanceof MigrationError ? '' : 'failed: '}${message}\n`);
    return 1;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[migrate] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
