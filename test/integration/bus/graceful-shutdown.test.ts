import { lastValueFrom } from 'rxjs';
import { type TestCaller, createCaller, createFixtureTables, startFixtureWorker } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

describe('graceful shutdown under load', () => {
  let db: TestDatabase;
  let caller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    caller = await createCaller(db.url, { timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await caller?.close();
    await db?.drop();
  });

  const keysRun = async (): Promise<Set<string>> => {
    const { rows } = await db.pool.query<{ key: string }>('select distinct key from fixture_executions');
    return new Set(rows.map((row) => row.key));
  };

  it('loses nothing when a busy worker is stopped: it finishes or hands back what it holds', async () => {
    const leaving = await startFixtureWorker({
      databaseUrl: db.url,
      instanceId: 'fixture:leaving',
      env: { CONCURRENCY: '8', DRAIN_TIMEOUT_MS: '300' },
    });
    const staying = await startFixtureWorker({
      databaseUrl: db.url,
      instanceId: 'fixture:staying',
      env: { CONCURRENCY: '8', POLL_INTERVAL_MS: '200' },
    });
    try {
      const replies = Array.from({ length: 300 }, (_, i) =>
        lastValueFrom(
          caller.client.send<unknown>('fixture.work', { key: `g-${i}`, sleepMs: i % 10 === 0 ? 1_000 : 40 }),
        ),
      );
      await waitFor(async () => ((await keysRun()).size >= 40 ? true : undefined), 'work to be under way');
      await leaving.stop();
      expect(leaving.output).toContain('CLOSED');

      const answered = (await Promise.all(replies)) as { key: string }[];
      expect(answered.map((reply) => reply.key)).toEqual(Array.from({ length: 300 }, (_, i) => `g-${i}`));
      expect((await keysRun()).size).toBe(300);

      const { rows } = await db.pool.query<{ status: string; count: string }>(
        "select status, count(*) from agent_messages where kind = 'request' group by status",
      );
      expect(rows).toEqual([{ status: 'done', count: '300' }]);
      const { rows: held } = await db.pool.query<{ count: string }>(
        "select count(*) from agent_messages where claimed_by = 'fixture:leaving' and status = 'claimed'",
      );
      expect(held[0].count).toBe('0');
    } finally {
      await staying.stop();
    }
  });
});
