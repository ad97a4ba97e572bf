import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPgPool } from '@cogo/store';
import { readTestCluster, withDatabase } from './test-cluster';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, fully migrated database for one test file: a clone of the template. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const cluster = readTestCluster();
  const name = `cogo_test_${randomBytes(5).toString('hex')}`;
  await adminQuery(cluster.adminUrl, `create database ${name} template ${cluster.templateDatabase}`);
  const url = withDatabase(cluster.adminUrl, name);
  const pool = createPgPool({ connectionString: url, max: options.poolSize ?? 10, applicationName: 'cogo-test' });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(cluster.adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A migrated template that is not yet applied anywhere: an empty database for migration tests. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const cluster = readTestCluster();
  const name = `cogo_empty_${randomBytes(5).toString('hex')}`;
  await adminQuery(cluster.adminUrl, `create database ${name}`);
  return {
    url: withDatabase(cluster.adminUrl, name),
    drop: () => adminQuery(cluster.adminUrl, `drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
