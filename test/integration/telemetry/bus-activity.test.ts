import { latencySummary } from '@cogo/gates';
import { BusActivityRepository, BusActivityService, TraceQueryRepository, parseWindow } from '@cogo/telemetry';
import { aBusName, anEvent, someRequests } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busCompleteMany,
  busFail,
  busPublish,
  busSend,
  busSubscribe,
  leaseOf,
} from '../bus-sql/bus-functions';

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe(BusActivityService.name, () => {
  let db: TestDatabase;
  let service: BusActivityService;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = new BusActivityService(new TraceQueryRepository(db.pool), new BusActivityRepository(db.pool));
  });

  afterAll(async () => {
    await db.drop();
  });

  describe('latency', () => {
    it('reports percentiles, counts and failures per pattern over deliveries finished in the window', async () => {
      const pattern = `${aBusName('latency')}.run`;
      const group = aBusName('group');
      const instance = aBusName('instance');
      await busSend(db.pool, someRequests(5, { pattern, recipient: group }));
      const leases = await busClaim(db.pool, group, instance, { max: 5 });
      await pause(20);
      await busCompleteMany(db.pool, instance, leases.slice(0, 4).map(leaseOf));
      await busFail(
        db.pool,
        leaseOf(leases[4]),
        instance,
        { code: 'BOOM', message: 'failed on purpose' },
        { retryable: false },
      );
      const event = anEvent();
      await busSubscribe(db.pool, group, [event.type]);
      await busPublish(db.pool, [event]);
      const [delivery] = await busClaim(db.pool, group, instance);
      await busCompleteMany(db.pool, instance, [leaseOf(delivery)]);
      const { rows } = await db.pool.query<{ ms: number }>(
        `select (extract(epoch from (completed_at - created_at)) * 1000)::float8 as ms
         from agent_messages where pattern = $1 and kind = 'request'`,
        [pattern],
      );
      const expected = latencySummary(rows.map((row) => row.ms));

      const report = await service.latency(parseWindow('15m'));

      const figures = report.patterns.find((entry) => entry.pattern === pattern);
      expect(figures).toMatchObject({ count: 5, failures: 1, failureRate: 0.2 });
      expect(figures!.p50Ms).toBeCloseTo(expected.p50!, 2);
      expect(figures!.p90Ms).toBeCloseTo(expected.p90!, 2);
      expect(figures!.p99Ms).toBeCloseTo(expected.p99!, 2);
      expect(figures!.p50Ms).toBeGreaterThanOrEqual(19);
      expect(report.patterns.find((entry) => entry.pattern === event.type)).toMatchObject({ count: 1, failures: 0 });
      expect(report.patterns.map((entry) => entry.pattern)).not.toContain('{"cmd":"ping"}');
      expect(report.overall.count).toBe(6);
      expect(report.window).toBe('15m');
      expect(report.to.getTime() - report.from.getTime()).toBe(15 * 60_000);
    });

    it('leaves out deliveries that finished before the window', async () => {
      const pattern = `${aBusName('old')}.run`;
      const group = aBusName('group');
      const instance = aBusName('instance');
      await busSend(db.pool, someRequests(1, { pattern, recipient: group }));
      await busCompleteMany(db.pool, instance, (await busClaim(db.pool, group, instance)).map(leaseOf));
      await db.pool.query("update agent_messages set completed_at = now() - interval '2 minutes' where pattern = $1", [
        pattern,
      ]);

      expect((await service.latency(parseWindow('1m'))).patterns.map((entry) => entry.pattern)).not.toContain(pattern);
      expect((await service.latency(parseWindow('3m'))).patterns.map((entry) => entry.pattern)).toContain(pattern);
    });
  });

  describe('events', () => {
    const one = `${aBusName('one')}.happened`;
    const two = `${aBusName('two')}.happened`;
    let published: string[];

    beforeAll(async () => {
      published = [];
      for (const type of [one, two, one, two, one]) {
        const [event] = await busPublish(db.pool, [anEvent({ type, data: { decisionId: `${published.length}` } })]);
        published.push(event.id);
        await pause(2);
      }
    });

    it('counts events by type over the window and lists them newest first, page by page', async () => {
      const first = await service.events({ window: parseWindow('1h'), type: null, page: 1, pageSize: 2 });

      expect(first.counts).toEqual(
        expect.arrayContaining([
          { type: one, count: 3 },
          { type: two, count: 2 },
        ]),
      );
      expect(first.counts.findIndex((entry) => entry.type === one)).toBeLessThan(
        first.counts.findIndex((entry) => entry.type === two),
      );
      expect(first.events.map((event) => event.id)).toEqual([published[4], published[3]]);
      expect(first.nextPage).toBe(2);
      expect(first.events[0]).toMatchObject({ type: one, data: { decisionId: '4' } });
    });

    it('lists one type when asked, with the last page pointing nowhere', async () => {
      const page = await service.events({ window: parseWindow('1h'), type: one, page: 2, pageSize: 2 });

      expect(page.total).toBe(3);
      expect(page.events.map((event) => event.id)).toEqual([published[0]]);
      expect(page.nextPage).toBeNull();
    });

    it('counts nothing outside the window', async () => {
      await db.pool.query("update bus_events set created_at = now() - interval '2 hours' where id = $1", [
        published[0],
      ]);

      const page = await service.events({ window: parseWindow('1h'), type: one, page: 1, pageSize: 10 });

      expect(page.total).toBe(2);
      expect(page.events.map((event) => event.id)).toEqual([published[4], published[2]]);
    });
  });
});
