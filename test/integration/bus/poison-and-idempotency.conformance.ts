import { lastValueFrom } from 'rxjs';
import { BusRecordBuilder, RemoteErrorException } from '@cogo/bus';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';

export function poisonAndIdempotencyConformance(driver: BusTestDriver): void {
  describe(`poison messages and idempotency keys (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;
    let otherCaller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      await bed.startWorker('p', { RETRY_BASE_MS: '50' });
      caller = await bed.createCaller();
      otherCaller = await bed.createCaller();
    });

    afterAll(async () => {
      await bed?.close();
    });

    const executions = async (key: string): Promise<number> => (await bed.executionsOf(key)).length;

    it('dead-letters a poison message after max_attempts, with its error in the row and in the reply', async () => {
      const record = new BusRecordBuilder({ key: 'poison-1' }).setMaxAttempts(3).build();
      const error = await lastValueFrom(caller.client.send<unknown>('fixture.poison', record)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RemoteErrorException);
      expect(error).toMatchObject({ code: 'HANDLER_ERROR', outcome: 'dead' });
      expect((error as Error).message).toMatch(/poison poison-1 always fails \(attempt 3\)/);

      const rows = (await bed.requests()).filter((row) => (row.payload as { key?: string }).key === 'poison-1');
      expect(rows.map(({ status, attempts, error: stored }) => ({ status, attempts, error: stored }))).toEqual([
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
      expect(first).toEqual({ key: 'idem-1', by: bed.instance('p') });
      expect(second).toEqual(first);
      expect(await executions('idem-1')).toBe(1);
    });

    it('answers a later repeat from the stored result without running it again', async () => {
      const record = () => new BusRecordBuilder({ key: 'idem-2' }).setIdempotencyKey('idem-2').build();
      const first = await lastValueFrom(caller.client.send<unknown>('fixture.work', record()));
      const again = await lastValueFrom(otherCaller.client.send<unknown>('fixture.work', record()));
      expect(again).toEqual(first);
      expect(await executions('idem-2')).toBe(1);
      const requests = (await bed.requests()).filter((row) => (row.payload as { key?: string }).key === 'idem-2');
      expect(requests).toHaveLength(1);
    });
  });
}
