import { randomBytes } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { BusTestBed } from '../../support/bus-harness';
import { RealtimeTestServer } from '../../support/realtime';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

/**
 * `npm run test:live` cannot run here (no project), so its test bed is checked against the
 * Realtime test server standing in for one: names carry the run prefix, and rows are read through
 * the Data API (PostgREST table reads), not SQL.
 */
describe('the live test bed, against a stand-in project', () => {
  const serviceRoleKey = `sb_secret_${randomBytes(12).toString('hex')}`;
  let db: TestDatabase;
  let server: RealtimeTestServer;
  let bed: BusTestBed;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    // Foreign rows in the same project: a live run must not see them.
    await db.pool.query(`select * from public.bus_send($1::jsonb)`, [
      JSON.stringify([{ kind: 'request', pattern: 'x', sender: 'someone-else', recipient: 'fixture', payload: {} }]),
    ]);
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey, subscribeDelayMs: 500 });
    bed = await BusTestBed.create('live', { project: { url: server.url, serviceRoleKey } });
  });

  afterAll(async () => {
    await bed?.close();
    await server?.stop();
    await db?.drop();
  });

  it('runs a round trip and an event under run-prefixed names, and reads only its own rows', async () => {
    expect(bed.group).toMatch(/^live-[0-9a-f]{6}-fixture$/);
    await bed.startWorker('one');
    const caller = await bed.createCaller({ timeoutMs: 15_000 });
    await expect(lastValueFrom(caller.client.send<unknown>('fixture.echo', { n: 1 }))).resolves.toMatchObject({
      by: bed.instance('one'),
    });
    await lastValueFrom(caller.client.emit('fixture.happened', { key: 'live-event' }));

    const messages = await bed.messages();
    expect(messages.map((row) => [row.kind, row.recipient.startsWith(bed.name(''))])).toEqual([
      ['request', true],
      ['reply', true],
      ['event', true],
    ]);
    expect(messages[0].created_at).toBeInstanceOf(Date);
    expect(await bed.events('fixture.happened')).toEqual([
      { type: 'fixture.happened', source: bed.name('caller'), data: { key: 'live-event' } },
    ]);
  });

  it('unsubscribes its group when it closes', async () => {
    await bed.close();
    const { rows } = await db.pool.query('select 1 from bus_subscriptions where group_name = $1', [bed.group]);
    expect(rows).toEqual([]);
  });
});
