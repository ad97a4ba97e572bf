import { lastValueFrom } from 'rxjs';
import { type TestCaller, createCaller, createFixtureTables, startFixtureWorker } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

describe('a worker killed mid-handler', () => {
  let db: TestDatabase;
  let caller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    caller = await createCaller(db.url, { timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await caller?.close();
    await db?.drop();
  });

  it('completes the message on another worker after the lease, with exactly one reply', async () => {
    const doomed = await startFixtureWorker({
      databaseUrl: db.url,
      instanceId: 'fixture:doomed',
      env: { LEASE_MS: '1500' },
    });
    const reply = lastValueFrom(caller.client.send<unknown>('fixture.work', { key: 'crash-1', sleepMs: 2_500 }));
    const request = await waitFor(async () => {
      const { rows } = await db.pool.query<{ id: string; claimed_by: string }>(
        "select id, claimed_by from agent_messages where kind = 'request' and status = 'claimed' and payload->>'key' = 'crash-1'",
      );
      return rows[0];
    }, 'the doomed worker to claim the message');
    expect(request.claimed_by).toBe('fixture:doomed');

    const survivor = await startFixtureWorker({
      databaseUrl: db.url,
      instanceId: 'fixture:survivor',
      env: { LEASE_MS: '1500', POLL_INTERVAL_MS: '200' },
    });
    try {
      await doomed.kill();
      await expect(reply).resolves.toEqual({ key: 'crash-1', by: 'fixture:survivor' });

      const { rows: executions } = await db.pool.query<{ instance_id: string; attempt: number }>(
        "select instance_id, attempt from fixture_executions where key = 'crash-1'",
      );
      expect(executions).toEqual([{ instance_id: 'fixture:survivor', attempt: 2 }]);
      const { rows: replies } = await db.pool.query<{ count: string }>(
        "select count(*) from agent_messages where kind = 'reply' and correlation_id = $1",
        [request.id],
      );
      expect(replies[0].count).toBe('1');
      const { rows: final } = await db.pool.query<{ status: string; attempts: number; claimed_by: string }>(
        'select status, attempts, claimed_by from agent_messages where id = $1',
        [request.id],
      );
      expect(final).toEqual([{ status: 'done', attempts: 2, claimed_by: 'fixture:survivor' }]);
    } finally {
      await survivor.stop();
    }
  });
});
