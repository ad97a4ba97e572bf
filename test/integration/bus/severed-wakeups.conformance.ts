import { lastValueFrom } from 'rxjs';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';

const CUT: Record<Exclude<BusTestDriver, 'live'>, string> = {
  postgres: 'its LISTEN connections are terminated (pg_terminate_backend)',
  supabase: 'the Realtime server drops every socket',
};

/**
 * Both sides poll only once a minute here, so every request that is answered within the
 * caller's 10 s timeout was woken by a notification or found by the catch-up claim when the
 * wake-up channel came back: the wake-ups are really restored.
 */
export function severedWakeupsConformance(driver: Exclude<BusTestDriver, 'live'>): void {
  describe(`a bus whose wake-up connections are cut (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      await bed.startWorker('listener', { POLL_INTERVAL_MS: '60000' });
      caller = await bed.createCaller({ timeoutMs: 10_000, pollIntervalMs: 60_000 });
    });

    afterAll(async () => {
      await bed?.close();
    });

    it(`loses nothing when ${CUT[driver]}, and is woken again once it reconnects`, async () => {
      await expect(lastValueFrom(caller.client.send<unknown>('fixture.echo', { before: true }))).resolves.toMatchObject(
        { echoed: { before: true } },
      );

      const restored = await bed.severWakeups();
      // Sent while the wake-ups are down: none reaches anyone, the catch-up claim must find them.
      const during = Array.from({ length: 20 }, (_, i) =>
        lastValueFrom(caller.client.send<unknown>('fixture.echo', { i })),
      );
      await restored();
      const replies = await Promise.all(during);
      expect(replies.map((reply) => (reply as { echoed: { i: number } }).echoed.i)).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );

      for (let i = 0; i < 10; i++) {
        await expect(lastValueFrom(caller.client.send<unknown>('fixture.echo', { after: i }))).resolves.toMatchObject({
          echoed: { after: i },
        });
      }
      expect(await bed.statusesOf('request')).toEqual({ done: 31 });
      expect(await bed.statusesOf('reply')).toEqual({ done: 31 });
    });
  });
}
