import { lastValueFrom } from 'rxjs';
import {
  type TestCaller,
  createCaller,
  createFixtureTables,
  startFixtureWorker,
  type FixtureWorker,
} from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

/**
 * Both sides poll only once a minute here, so every request that is answered within the
 * caller's 5 s timeout was woken by a notification: the LISTEN connections are really back.
 */
describe('a terminated LISTEN connection', () => {
  let db: TestDatabase;
  let worker: FixtureWorker;
  let caller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    worker = await startFixtureWorker({
      databaseUrl: db.url,
      instanceId: 'fixture:listener',
      env: { POLL_INTERVAL_MS: '60000' },
    });
    caller = await createCaller(db.url, { instanceId: 'caller:listener', timeoutMs: 5_000, pollIntervalMs: 60_000 });
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.stop();
    await db?.drop();
  });

  const listenBackends = async (): Promise<number[]> => {
    const { rows } = await db.pool.query<{ pid: number }>(
      "select pid from pg_stat_activity where application_name in ('fixture:listener:listen', 'caller:listener:listen')",
    );
    return rows.map((row) => row.pid);
  };

  it('loses nothing and is woken by notifications again once it reconnects', async () => {
    await expect(lastValueFrom(caller.client.send<unknown>('fixture.echo', { before: true }))).resolves.toMatchObject({
      echoed: { before: true },
    });
    const before = await listenBackends();
    expect(before).toHaveLength(2);

    await db.pool.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [before]);
    // Sent while the listeners are down: no wake-up reaches anyone, the catch-up claim must find them.
    const during = Array.from({ length: 20 }, (_, i) =>
      lastValueFrom(caller.client.send<unknown>('fixture.echo', { i })),
    );

    const after = await waitFor(async () => {
      const pids = await listenBackends();
      return pids.length === 2 && pids.every((pid) => !before.includes(pid)) ? pids : undefined;
    }, 'both LISTEN connections to come back');
    expect(after).toHaveLength(2);
    const replies = await Promise.all(during);
    expect(replies.map((reply) => (reply as { echoed: { i: number } }).echoed.i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );

    for (let i = 0; i < 10; i++) {
      await expect(lastValueFrom(caller.client.send<unknown>('fixture.echo', { after: i }))).resolves.toMatchObject({
        echoed: { after: i },
      });
    }
    const { rows } = await db.pool.query<{ status: string; count: string }>(
      "select status, count(*) from agent_messages where kind = 'request' group by status",
    );
    expect(rows).toEqual([{ status: 'done', count: '31' }]);
  });
});
