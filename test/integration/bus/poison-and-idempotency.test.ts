import { lastValueFrom } from 'rxjs';
import { BusRecordBuilder, RemoteErrorException } from '@cogo/bus';
import {
  type FixtureWorker,
  type TestCaller,
  createCaller,
  createFixtureTables,
  startFixtureWorker,
} from '../../support/bus-harness';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

describe('poison messages and idempotency keys', () => {
  let db: TestDatabase;
  let worker: FixtureWorker;
  let caller: TestCaller;
  let otherCaller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    worker = await startFixtureWorker({ databaseUrl: db.url, instanceId: 'fixture:p', env: { RETRY_BASE_MS: '50' } });
    caller = await createCaller(db.url);
    otherCaller = await createCaller(db.url);
  });

  afterAll(async () => {
    await otherCaller?.close();
    await caller?.close();
    await worker?.stop();
    await db?.drop();
  });

  const executions = async (key: string): Promise<number> => {
    const { rows } = await db.pool.query<{ count: string }>('select count(*) from fixture_executions where key = $1', [
      key,
    ]);
    return Number(rows[0].count);
  };

  it('dead-letters a poison message after max_attempts, with its error in the row and in the reply', async () => {
    const record = new BusRecordBuilder({ key: 'poison-1' }).setMaxAttempts(3).build();
    const error = await lastValueFrom(caller.client.send<unknown>('fixture.poison', record)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RemoteErrorException);
    expect(error).toMatchObject({ code: 'HANDLER_ERROR', outcome: 'dead' });
    expect((error as Error).message).toMatch(/poison poison-1 always fails \(attempt 3\)/);

    const { rows } = await db.pool.query<{
      status: string;
      attempts: number;
      error: { code: string; message: string };
    }>("select status, attempts, error from agent_messages where kind = 'request' and payload->>'key' = 'poison-1'");
    expect(rows).toEqual([
      {
        status: 'dead',
        attempts: 3,
        error: expect.objectContaining({
          code: 'HANDLER_ERROR',
          message: expect.stringMatching(/attempt 3/) as unknown,
        }) as unknown,
      },
    ]);
    expect(await executions('poison-1')).toBe(3);
  });

  it('runs a request once when the same idempotency key is sent twice at the same time', async () => {
    const send = (client: TestCaller) =>
      lastValueFrom(
        client.client.send<unknown>(
          'fixture.work',
          new BusRecordBuilder({ key: 'idem-1', sleepMs: 300 }).setIdempotencyKey('idem-1').build(),
        ),
      );
    const [first, second] = await Promise.all([send(caller), send(otherCaller)]);
    expect(first).toEqual({ key: 'idem-1', by: 'fixture:p' });
    expect(second).toEqual(first);
    expect(await executions('idem-1')).toBe(1);
  });

  it('answers a later repeat from the stored result without running it again', async () => {
    const record = () => new BusRecordBuilder({ key: 'idem-2' }).setIdempotencyKey('idem-2').build();
    const first = await lastValueFrom(caller.client.send<unknown>('fixture.work', record()));
    const again = await lastValueFrom(otherCaller.client.send<unknown>('fixture.work', record()));
    expect(again).toEqual(first);
    expect(await executions('idem-2')).toBe(1);
    const { rows } = await db.pool.query<{ count: string }>(
      "select count(*) from agent_messages where kind = 'request' and idempotency_key = 'idem-2'",
    );
    expect(rows[0].count).toBe('1');
  });
});
