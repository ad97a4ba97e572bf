import { randomUUID } from 'node:crypto';
import { aBusName, anEvent } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { busClaim, busPublish, busSubscribe, busUnsubscribe, type AgentMessageRow } from './bus-functions';

interface BusEventRow {
  readonly id: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
}

describe('bus_publish', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function deliveriesOf(eventId: string): Promise<AgentMessageRow[]> {
    const { rows } = await db.pool.query<AgentMessageRow>(
      'select * from public.agent_messages where correlation_id = $1 order by recipient',
      [eventId],
    );
    return rows;
  }

  async function eventRows(eventId: string): Promise<BusEventRow[]> {
    const { rows } = await db.pool.query<BusEventRow>('select * from public.bus_events where id = $1', [eventId]);
    return rows;
  }

  it('appends the event and delivers it once to each subscribed group, and to no other', async () => {
    const event = anEvent({ id: randomUUID(), data: { file: 'a.ts' } });
    const [first, second, bystander] = [aBusName('group'), aBusName('group'), aBusName('group')].sort();
    await busSubscribe(db.pool, first, [event.type]);
    await busSubscribe(db.pool, second, [event.type]);
    await busSubscribe(db.pool, bystander, [`${event.type}.other`]);

    const [published] = await busPublish(db.pool, [event]);

    expect(published).toEqual({ id: event.id, deliveries: 2, duplicate: false });
    const [logged] = await eventRows(event.id!);
    expect(logged).toMatchObject({ type: event.type, source: event.source, data: { file: 'a.ts' } });
    const deliveries = await deliveriesOf(event.id!);
    expect(deliveries.map((delivery) => delivery.recipient)).toEqual([first, second]);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({
        kind: 'event',
        status: 'queued',
        pattern: event.type,
        sender: event.source,
        correlation_id: event.id,
        trace_id: logged.trace_id,
        parent_span_id: logged.span_id,
        payload: { file: 'a.ts' },
      });
    }
    expect(await busClaim(db.pool, bystander, aBusName('instance'))).toEqual([]);
  });

  it('fans out nothing for a republished event id', async () => {
    const event = anEvent({ id: randomUUID() });
    const group = aBusName('group');
    await busSubscribe(db.pool, group, [event.type]);
    await busPublish(db.pool, [event]);

    const [again] = await busPublish(db.pool, [{ ...event, data: { changed: true } }]);

    expect(again).toEqual({ id: event.id, deliveries: 0, duplicate: true });
    expect(await eventRows(event.id!)).toHaveLength(1);
    expect(await deliveriesOf(event.id!)).toHaveLength(1);
  });

  it('delivers an event id repeated within one batch once', async () => {
    const event = anEvent({ id: randomUUID() });
    const group = aBusName('group');
    await busSubscribe(db.pool, group, [event.type]);

    const published = await busPublish(db.pool, [event, event]);

    expect(published).toEqual([
      { id: event.id, deliveries: 1, duplicate: false },
      { id: event.id, deliveries: 0, duplicate: true },
    ]);
    expect(await eventRows(event.id!)).toHaveLength(1);
    expect(await deliveriesOf(event.id!)).toHaveLength(1);
  });

  it('logs an event that no group subscribes to, with no delivery', async () => {
    const [published] = await busPublish(db.pool, [anEvent()]);

    expect(published.deliveries).toBe(0);
    expect(published.duplicate).toBe(false);
    expect(await eventRows(published.id)).toHaveLength(1);
    expect(await deliveriesOf(published.id)).toEqual([]);
  });

  it('publishes a batch, answering each event in order', async () => {
    const group = aBusName('group');
    const [heard, unheard] = [anEvent(), anEvent()];
    await busSubscribe(db.pool, group, [heard.type]);

    const published = await busPublish(db.pool, [unheard, heard]);

    expect(published.map((row) => row.deliveries)).toEqual([0, 1]);
    const claimed = await busClaim(db.pool, group, aBusName('instance'));
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ kind: 'event', pattern: heard.type, correlation_id: published[1].id });
  });
});

describe('bus_subscribe', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('counts only the subscriptions it adds', async () => {
    const group = aBusName('group');

    expect(await busSubscribe(db.pool, group, ['a.happened', 'b.happened'])).toBe(2);
    expect(await busSubscribe(db.pool, group, ['a.happened', 'c.happened'])).toBe(1);
  });

  it('stops deliveries to a group that unsubscribed (bus_unsubscribe)', async () => {
    const group = aBusName('group');
    const event = anEvent();
    await busSubscribe(db.pool, group, [event.type]);

    expect(await busUnsubscribe(db.pool, group, [event.type])).toBe(1);

    const [published] = await busPublish(db.pool, [event]);
    expect(published.deliveries).toBe(0);
    expect(await busClaim(db.pool, group, aBusName('instance'))).toEqual([]);
  });
});
