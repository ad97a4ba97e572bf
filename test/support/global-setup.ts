import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';
import { withDatabase, writeTestCluster } from './test-cluster';

const TEMPLATE = 'cogo_template';

declare global {
  var __cogoTestPostgres: EmbeddedPostgres | undefined;
}

/**
 * Starts one throw-away Postgres for the whole run (durability off: it is deleted afterwards) and
 * migrates a template database once; test files clone it, which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  compileTestProcesses();
  const root = mkdtempSync(join(tmpdir(), 'cogo-test-pg-'));
  // As root, the server runs as the `postgres` OS user, which must be able to enter this folder.
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const postgres = await EmbeddedPostgres.start({
    dataDir,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
  });
  globalThis.__cogoTestPostgres = postgres;

  const admin = new Client({ connectionString: postgres.url() });
  await admin.connect();
  try {
    await admin.query(`create database ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const pool = createPgPool({ connectionString: withDatabase(postgres.url(), TEMPLATE), max: 1 });
  try {
    await runMigrations(pool, { directory: resolve(__dirname, '../../supabase/migrations') });
  } finally {
    await pool.end();
  }
  writeTestCluster({ adminUrl: postgres.url(), templateDatabase: TEMPLATE, dataDir, pid: postgres.pid ?? 0 });
}

/** Test processes (the bus fixture worker) run as real Node processes: compile them with the libs. */
function compileTestProcesses(): void {
  const root = resolve(__dirname, '../..');
  execFileSync(
    resolve(root, 'node_modules/.bin/swc'),
    ['libs', 'test/support', '-d', 'dist-test', '--ignore', '**/*.spec.ts', '--quiet'],
    { cwd: root, stdio: 'inherit' },
  );
}
