import { lastValueFrom } from 'rxjs';
import {
  type FixtureWorker,
  type TestCaller,
  createCaller,
  createFixtureTables,
  startFixtureWorker,
} from '../../support/bus-harness';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

describe('competing consumers', () => {
  let db: TestDatabase;
  let workers: FixtureWorker[] = [];
  let caller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    workers = await Promise.all(
      ['fixture:r1', 'fixture:r2', 'fixture:r3'].map((instanceId) =>
        startFixtureWorker({ databaseUrl: db.url, instanceId, env: { CONCURRENCY: '8' } }),
      ),
    );
    caller = await createCaller(db.url, { timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await caller?.close();
    await Promise.all(workers.map((worker) => worker.stop()));
    await db?.drop();
  });

  it('shares 2,000 messages among three replicas and processes none twice', async () => {
    const replies = await Promise.all(
      Array.from(
        { length: 2_000 },
        (_, i) =>
          lastValueFrom(caller.client.send<unknown>('fixture.work', { key: `m-${i}` })) as Promise<{
            key: string;
            by: string;
          }>,
      ),
    );
    expect(new Set(replies.map((reply) => reply.key)).size).toBe(2_000);

    const { rows } = await db.pool.query<{ executions: string; distinct_messages: string; distinct_keys: string }>(
      'select count(*) as executions, count(distinct message_id) as distinct_messages, count(distinct key) as distinct_keys from fixture_executions',
    );
    expect(rows[0]).toEqual({ executions: '2000', distinct_messages: '2000', distinct_keys: '2000' });

    const { rows: perInstance } = await db.pool.query<{ instance_id: string; count: string }>(
      'select instance_id, count(*) from fixture_executions group by instance_id order by instance_id',
    );
    expect(perInstance.map((row) => row.instance_id)).toEqual(['fixture:r1', 'fixture:r2', 'fixture:r3']);
    for (const row of perInstance) expect(Number(row.count)).toBeGreaterThan(100);

    const { rows: statuses } = await db.pool.query<{ kind: string; status: string; count: string }>(
      'select kind, status, count(*) from agent_messages group by kind, status order by kind, status',
    );
    expect(statuses).toEqual([
      { kind: 'reply', status: 'done', count: '2000' },
      { kind: 'request', status: 'done', count: '2000' },
    ]);
  });
});
