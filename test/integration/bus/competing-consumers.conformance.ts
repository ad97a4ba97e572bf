import { lastValueFrom } from 'rxjs';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';

/** 2,000 on Postgres; fewer through the Realtime test server and a live project, which are slower per call. */
const MESSAGES: Record<BusTestDriver, number> = { postgres: 2_000, supabase: 400, live: 200 };

export function competingConsumersConformance(driver: BusTestDriver): void {
  const count = MESSAGES[driver];

  describe(`competing consumers (${driver})`, () => {
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      bed = await BusTestBed.create(driver);
      await Promise.all(['r1', 'r2', 'r3'].map((name) => bed.startWorker(name, { CONCURRENCY: '8' })));
      caller = await bed.createCaller({ timeoutMs: 90_000 });
    });

    afterAll(async () => {
      await bed?.close();
    });

    it(`shares ${count.toLocaleString('en')} messages among three replicas and processes none twice`, async () => {
      const replies = await Promise.all(
        Array.from(
          { length: count },
          (_, i) =>
            lastValueFrom(caller.client.send<unknown>('fixture.work', { key: `m-${i}` })) as Promise<{
              key: string;
              by: string;
            }>,
        ),
      );
      expect(new Set(replies.map((reply) => reply.key)).size).toBe(count);

      const executions = await bed.executions();
      expect(executions).toHaveLength(count);
      expect(new Set(executions.map((execution) => execution.messageId)).size).toBe(count);
      expect(new Set(executions.map((execution) => execution.key)).size).toBe(count);

      const perInstance = new Map<string, number>();
      for (const execution of executions) {
        perInstance.set(execution.instanceId, (perInstance.get(execution.instanceId) ?? 0) + 1);
      }
      expect([...perInstance.keys()].sort()).toEqual([bed.instance('r1'), bed.instance('r2'), bed.instance('r3')]);
      for (const share of perInstance.values()) expect(share).toBeGreaterThan(count / 20);

      expect(await bed.statusesOf('request')).toEqual({ done: count });
      expect(await bed.statusesOf('reply')).toEqual({ done: count });
    });
  });
}
