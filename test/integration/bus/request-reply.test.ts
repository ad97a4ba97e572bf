import { lastValueFrom } from 'rxjs';
import { BusRecordBuilder, RemoteErrorException, RequestTimeoutException } from '@cogo/bus';
import {
  type FixtureWorker,
  type TestCaller,
  createCaller,
  createFixtureTables,
  startFixtureWorker,
} from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

describe('BusServer and BusClient between two processes', () => {
  let db: TestDatabase;
  let worker: FixtureWorker;
  let caller: TestCaller;

  beforeAll(async () => {
    db = await createTestDatabase();
    await createFixtureTables(db.pool);
    worker = await startFixtureWorker({ databaseUrl: db.url, instanceId: 'fixture:one', env: { RETRY_BASE_MS: '50' } });
    caller = await createCaller(db.url);
  });

  afterAll(async () => {
    await caller?.close();
    await worker?.stop();
    await db?.drop();
  });

  it('answers a request with the handler result, in the caller trace', async () => {
    const reply = await lastValueFrom(caller.client.send<unknown>('fixture.echo', { hello: 'bus' }));
    expect(reply).toMatchObject({ echoed: { hello: 'bus' }, attempt: 1, by: 'fixture:one' });
    const { rows } = await db.pool.query<{ kind: string; status: string; trace_id: string }>(
      "select kind, status, trace_id from agent_messages where pattern = 'fixture.echo' order by created_at",
    );
    expect(rows.map((row) => [row.kind, row.status])).toEqual([
      ['request', 'done'],
      ['reply', 'done'],
    ]);
    expect(rows[0].trace_id).toBe(rows[1].trace_id);
    expect((reply as { traceId: string }).traceId).toBe(rows[0].trace_id);
  });

  it('answers many concurrent requests, each with its own reply', async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => lastValueFrom(caller.client.send<unknown>('fixture.echo', { i }))),
    );
    expect(replies.map((reply) => (reply as { echoed: { i: number } }).echoed.i)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('delivers an emitted event to the subscribed group', async () => {
    await lastValueFrom(caller.client.emit('fixture.happened', { key: 'event-1' }));
    const rows = await waitFor(async () => {
      const result = await db.pool.query<{ key: string }>("select key from fixture_executions where key = 'event-1'");
      return result.rows.length > 0 ? result.rows : undefined;
    }, 'the event handler to run');
    expect(rows).toEqual([{ key: 'event-1' }]);
    const { rows: events } = await db.pool.query<{ type: string; source: string }>(
      "select type, source from bus_events where type = 'fixture.happened'",
    );
    expect(events).toEqual([{ type: 'fixture.happened', source: 'caller' }]);
  });

  it('refuses an invalid payload at once with the validation errors, without retrying', async () => {
    const error = await lastValueFrom(
      caller.client.send<unknown>('fixture.greet', { name: 42, age: 200, extra: true }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoteErrorException);
    const remote = error as RemoteErrorException;
    expect(remote.code).toBe('VALIDATION_FAILED');
    expect(remote.message).toMatch(/name must be a string/);
    expect(remote.message).toMatch(/age must not be greater than 150/);
    expect(remote.message).toMatch(/property extra should not exist/);
    const { rows } = await db.pool.query<{ status: string; attempts: number }>(
      "select status, attempts from agent_messages where pattern = 'fixture.greet' and kind = 'request'",
    );
    expect(rows).toEqual([{ status: 'failed', attempts: 1 }]);
  });

  it('validates and transforms a good payload', async () => {
    await expect(lastValueFrom(caller.client.send<unknown>('fixture.greet', { name: 'Ada', age: 36 }))).resolves.toBe(
      'hello Ada, 36',
    );
  });

  it('fails a non-retryable RpcException at once with its code and message', async () => {
    const error = await lastValueFrom(caller.client.send<unknown>('fixture.refuse', {})).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'NOT_ALLOWED', message: 'NOT_ALLOWED: this request can never succeed' });
  });

  it('times out when nobody serves the group, and the request expires unrun', async () => {
    const started = Date.now();
    const record = new BusRecordBuilder({ hello: 'nobody' }).setRecipient('nobody-home').setTimeout(300).build();
    const error = await lastValueFrom(caller.client.send<unknown>('fixture.echo', record)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RequestTimeoutException);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const { rows } = await db.pool.query<{ deadline_at: Date; headers: Record<string, string> }>(
      "select deadline_at, headers from agent_messages where recipient = 'nobody-home'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].headers.deadline).toBe(rows[0].deadline_at.toISOString());
  });

  it('reports an unknown pattern as NO_HANDLER without retrying', async () => {
    const error = await lastValueFrom(caller.client.send<unknown>('fixture.unknown', {})).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'NO_HANDLER' });
  });
});
