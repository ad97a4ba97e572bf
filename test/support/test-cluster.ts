import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the global setup tells every test worker: where the throw-away cluster listens and which
 * database is the migrated template. Kept in a file named by an environment variable, because
 * globalSetup runs in another context than the tests.
 */
export interface TestCluster {
  readonly adminUrl: string;
  readonly templateDatabase: string;
  readonly dataDir: string;
  readonly pid: number;
}

const STATE_ENV = 'COGO_TEST_CLUSTER_FILE';

export function writeTestCluster(cluster: TestCluster): void {
  const dir = mkdtempSync(join(tmpdir(), 'cogo-test-state-'));
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify(cluster), { mode: 0o600 });
  process.env[STATE_ENV] = file;
}

export function readTestCluster(): TestCluster {
  const file = process.env[STATE_ENV];
  if (!file) {
    throw new Error(
      `${STATE_ENV} is not set: run this test through its Jest config (npm run test:integration), whose global setup starts Postgres.`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as TestCluster;
}

/** The same URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
