import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';
import {
  type FixtureWorker,
  type TestCaller,
  createCaller,
  createFixtureTables,
  startFixtureWorker,
} from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';

/** A cluster of its own: restarting the shared one would disturb the other test files. */
describe('a Postgres restart', () => {
  let root: string;
  let postgres: EmbeddedPostgres;
  let worker: FixtureWorker;
  let caller: TestCaller;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cogo-restart-'));
    chmodSync(root, 0o755);
    postgres = await EmbeddedPostgres.start({ dataDir: join(root, 'data'), settings: { fsync: 'off' } });
    const pool = createPgPool({ connectionString: postgres.url(), max: 1 });
    await runMigrations(pool, { directory: resolve(__dirname, '../../../supabase/migrations') });
    await createFixtureTables(pool);
    await pool.end();
    worker = await startFixtureWorker({
      databaseUrl: postgres.url(),
      instanceId: 'fixture:restart',
      env: { CONCURRENCY: '4', LEASE_MS: '2000', POLL_INTERVAL_MS: '500' },
    });
    caller = await createCaller(postgres.url(), { timeoutMs: 60_000, pollIntervalMs: 500 });
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.stop();
    await postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('lets both sides reconnect and loses nothing that was queued', async () => {
    const replies = Array.from({ length: 100 }, (_, i) =>
      lastValueFrom(caller.client.send<unknown>('fixture.work', { key: `r-${i}`, sleepMs: 100 })),
    );
    const pool = createPgPool({ connectionString: postgres.url(), max: 1 });
    await waitFor(async () => {
      const { rows } = await pool.query<{ queued: string; done: string }>(
        "select count(*) filter (where status = 'queued') as queued, count(*) filter (where status = 'done') as done from agent_messages where kind = 'request'",
      );
      return Number(rows[0].done) >= 5 && Number(rows[0].queued) >= 50 ? true : undefined;
    }, 'requests to be queued and some done');
    await pool.end();

    const port = postgres.port;
    const dataDir = postgres.dataDir;
    await postgres.stop();
    await new Promise((done) => setTimeout(done, 1_500));
    postgres = await EmbeddedPostgres.start({ dataDir, port, settings: { fsync: 'off' } });
    expect(postgres.port).toBe(port);

    const answered = (await Promise.all(replies)) as { key: string }[];
    expect(answered.map((reply) => reply.key)).toEqual(Array.from({ length: 100 }, (_, i) => `r-${i}`));

    const check = createPgPool({ connectionString: postgres.url(), max: 1 });
    try {
      const { rows } = await check.query<{ status: string; count: string }>(
        "select status, count(*) from agent_messages where kind = 'request' group by status",
      );
      expect(rows).toEqual([{ status: 'done', count: '100' }]);
      const { rows: keys } = await check.query<{ count: string }>('select count(distinct key) from fixture_executions');
      expect(keys[0].count).toBe('100');
    } finally {
      await check.end();
    }
  });
});
