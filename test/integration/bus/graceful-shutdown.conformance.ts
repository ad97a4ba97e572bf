import { lastValueFrom } from 'rxjs';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';

export function gracefulShutdownConformance(driver: BusTestDriver): void {
  describe(`graceful shutdown under load (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      caller = await bed.createCaller({ timeoutMs: 60_000 });
    });

    afterAll(async () => {
      await bed?.close();
    });

    const keysRun = async (): Promise<Set<string>> => new Set((await bed.executions()).map((run) => run.key));

    it('loses nothing when a busy worker is stopped: it finishes or hands back what it holds', async () => {
      const leaving = await bed.startWorker('leaving', { CONCURRENCY: '8', DRAIN_TIMEOUT_MS: '300' });
      await bed.startWorker('staying', { CONCURRENCY: '8', POLL_INTERVAL_MS: '200' });
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

      expect(await bed.statusesOf('request')).toEqual({ done: 300 });
      const held = (await bed.messages()).filter(
        (row) => row.claimed_by === bed.instance('leaving') && row.status === 'claimed',
      );
      expect(held).toEqual([]);
    });
  });
}
