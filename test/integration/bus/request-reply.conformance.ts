import { lastValueFrom } from 'rxjs';
import { BusRecordBuilder, RemoteErrorException, RequestTimeoutException } from '@cogo/bus';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';

export function requestReplyConformance(driver: BusTestDriver): void {
  describe(`BusServer and BusClient between two processes (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      await bed.startWorker('one', { RETRY_BASE_MS: '50' });
      caller = await bed.createCaller();
    });

    afterAll(async () => {
      await bed?.close();
    });

    it('answers a request with the handler result, in the caller trace', async () => {
      const reply = await lastValueFrom(caller.client.send<unknown>('fixture.echo', { hello: 'bus' }));
      expect(reply).toMatchObject({ echoed: { hello: 'bus' }, attempt: 1, by: bed.instance('one') });
      const rows = (await bed.messages()).filter((row) => row.pattern === 'fixture.echo');
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
      const runs = await waitFor(async () => {
        const found = await bed.executionsOf('event-1');
        return found.length > 0 ? found : undefined;
      }, 'the event handler to run');
      expect(runs.map((run) => run.instanceId)).toEqual([bed.instance('one')]);
      expect(await bed.events('fixture.happened')).toEqual([
        { type: 'fixture.happened', source: bed.name('caller'), data: { key: 'event-1' } },
      ]);
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
      const rows = (await bed.requests()).filter((row) => row.pattern === 'fixture.greet');
      expect(rows.map((row) => ({ status: row.status, attempts: row.attempts }))).toEqual([
        { status: 'failed', attempts: 1 },
      ]);
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
      const nobody = bed.name('nobody-home');
      const started = Date.now();
      const record = new BusRecordBuilder({ hello: 'nobody' }).setRecipient(nobody).setTimeout(300).build();
      const error = await lastValueFrom(caller.client.send<unknown>('fixture.echo', record)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RequestTimeoutException);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      const rows = (await bed.messages()).filter((row) => row.recipient === nobody);
      expect(rows).toHaveLength(1);
      expect(rows[0].headers.deadline).toBe(rows[0].deadline_at?.toISOString());
      expect(rows[0].status).toBe('queued');
    });

    it('refuses a result the database cannot store, alone: the requests settled with it are answered', async () => {
      const [refused, ...neighbours] = await Promise.all([
        lastValueFrom(caller.client.send<unknown>('fixture.unstorable', {})).catch((caught: unknown) => caught),
        ...Array.from({ length: 20 }, (_, i) => lastValueFrom(caller.client.send<unknown>('fixture.echo', { i }))),
      ]);
      expect(refused).toMatchObject({ code: 'UNSERIALIZABLE_RESULT' });
      expect((refused as Error).message).toMatch(/NUL character/);
      expect(neighbours.map((reply) => (reply as { echoed: { i: number } }).echoed.i)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
      const row = (await bed.requests()).find((candidate) => candidate.pattern === 'fixture.unstorable');
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    });

    it('reports an unknown pattern as NO_HANDLER without retrying', async () => {
      const error = await lastValueFrom(caller.client.send<unknown>('fixture.unknown', {})).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'NO_HANDLER' });
    });
  });
}
