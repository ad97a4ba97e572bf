import { lastValueFrom } from 'rxjs';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';

export function crashRecoveryConformance(driver: BusTestDriver): void {
  describe(`a worker killed mid-handler (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      caller = await bed.createCaller({ timeoutMs: 30_000 });
    });

    afterAll(async () => {
      await bed?.close();
    });

    it('completes the message on another worker after the lease, with exactly one reply', async () => {
      const doomed = await bed.startWorker('doomed', { LEASE_MS: '1500' });
      const reply = lastValueFrom(caller.client.send<unknown>('fixture.work', { key: 'crash-1', sleepMs: 2_500 }));
      const request = await waitFor(async () => {
        const rows = await bed.requests();
        return rows.find((row) => row.status === 'claimed' && (row.payload as { key: string }).key === 'crash-1');
      }, 'the doomed worker to claim the message');
      expect(request.claimed_by).toBe(bed.instance('doomed'));

      // Killed long before its 2.5 s handler could finish; the survivor takes over once the lease ran out.
      await doomed.kill();
      await bed.startWorker('survivor', { LEASE_MS: '1500', POLL_INTERVAL_MS: '200' });
      await expect(reply).resolves.toEqual({ key: 'crash-1', by: bed.instance('survivor') });

      const executions = await bed.executionsOf('crash-1');
      expect(executions.map(({ instanceId, attempt }) => ({ instanceId, attempt }))).toEqual([
        { instanceId: bed.instance('survivor'), attempt: 2 },
      ]);
      const rows = await bed.messages();
      expect(rows.filter((row) => row.kind === 'reply' && row.correlation_id === request.id)).toHaveLength(1);
      const final = rows.find((row) => row.id === request.id);
      expect(final).toMatchObject({ status: 'done', attempts: 2, claimed_by: bed.instance('survivor') });
    });
  });
}
