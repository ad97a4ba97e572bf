import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';
import { BusTestBed, type BusTestDriver, type TestCaller } from '../../support/bus-harness';
import { waitFor } from '../../support/process-tools';

/**
 * A cluster of its own: restarting the shared one would disturb the other test files. On
 * Supabase the Realtime + PostgREST test server stays up while its database restarts, as the
 * hosted services do: calls fail for a while, the change feed is suspended and resubscribes.
 */
export function postgresRestartConformance(driver: Exclude<BusTestDriver, 'live'>): void {
  describe(`a Postgres restart (${driver})`, () => {
    let root: string;
    let postgres: EmbeddedPostgres;
    let bed: BusTestBed;
    let caller: TestCaller;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'cogo-restart-'));
      chmodSync(root, 0o755);
      postgres = await EmbeddedPostgres.start({ dataDir: join(root, 'data'), settings: { fsync: 'off' } });
      const pool = createPgPool({ connectionString: postgres.url(), max: 1 });
      await runMigrations(pool, { directory: resolve(__dirname, '../../../supabase/migrations') });
      await pool.end();
      bed = await BusTestBed.create(driver, { databaseUrl: postgres.url() });
      await bed.startWorker('restart', { CONCURRENCY: '4', LEASE_MS: '2000', POLL_INTERVAL_MS: '500' });
      caller = await bed.createCaller({ timeoutMs: 60_000, pollIntervalMs: 500 });
    });

    afterAll(async () => {
      await bed?.close();
      await postgres?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it('lets both sides reconnect and loses nothing that was queued', async () => {
      const replies = Array.from({ length: 100 }, (_, i) =>
        lastValueFrom(caller.client.send<unknown>('fixture.work', { key: `r-${i}`, sleepMs: 100 })),
      );
      await waitFor(async () => {
        const statuses = await bed.statusesOf('request');
        return (statuses.done ?? 0) >= 5 && (statuses.queued ?? 0) >= 50 ? true : undefined;
      }, 'requests to be queued and some done');

      const wakeupsRestored = await bed.watchWakeups();
      const port = postgres.port;
      const dataDir = postgres.dataDir;
      await postgres.stop();
      await new Promise((done) => setTimeout(done, 1_500));
      postgres = await EmbeddedPostgres.start({ dataDir, port, settings: { fsync: 'off' } });
      expect(postgres.port).toBe(port);
      await wakeupsRestored();

      const answered = (await Promise.all(replies)) as { key: string }[];
      expect(answered.map((reply) => reply.key)).toEqual(Array.from({ length: 100 }, (_, i) => `r-${i}`));
      expect(await bed.statusesOf('request')).toEqual({ done: 100 });
      expect(new Set((await bed.executions()).map((run) => run.key)).size).toBe(100);
    });
  });
}
