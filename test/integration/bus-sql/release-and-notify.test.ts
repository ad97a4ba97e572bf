import { aBusName, aRequest, msFromNow, someRequests } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busComplete,
  busRelease,
  busSend,
  leaseOf,
  messageById,
  type AgentMessageRow,
} from './bus-functions';
import { WakeupListener } from './wakeup-listener';

describe('bus_release', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function claimSome(
    count: number,
  ): Promise<{ claimed: AgentMessageRow[]; recipient: string; instance: string }> {
    const recipient = aBusName('worker');
    const instance = aBusName('instance');
    await busSend(db.pool, someRequests(count, { recipient }));
    const claimed = await busClaim(db.pool, recipient, instance);
    expect(claimed).toHaveLength(count);
    return { claimed, recipient, instance };
  }

  it('returns leased messages to the queue without counting the attempt', async () => {
    const { claimed, recipient, instance } = await claimSome(3);

    expect(await busRelease(db.pool, instance)).toBe(3);

    for (const message of claimed) {
      expect(await messageById(db.pool, message.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        claimed_by: null,
        claimed_at: null,
        lease_until: null,
      });
    }
    const reclaimed = await busClaim(db.pool, recipient, aBusName('instance'));
    expect(reclaimed.map((message) => message.id).sort()).toEqual(claimed.map((message) => message.id).sort());
    expect(reclaimed.map((message) => message.attempts)).toEqual([1, 1, 1]);
  });

  it('releases only the given ids', async () => {
    const { claimed, instance } = await claimSome(2);
    const [released, kept] = claimed;

    expect(await busRelease(db.pool, instance, [released.id])).toBe(1);

    expect((await messageById(db.pool, released.id)).status).toBe('queued');
    expect(await messageById(db.pool, kept.id)).toMatchObject({ status: 'claimed', claimed_by: instance });
  });

  it("releases nothing of another instance's leases, nor finished messages", async () => {
    const { claimed, instance } = await claimSome(2);
    await busComplete(db.pool, leaseOf(claimed[0]), instance);

    expect(await busRelease(db.pool, aBusName('instance'))).toBe(0);
    expect(await busRelease(db.pool, instance)).toBe(1);
    expect((await messageById(db.pool, claimed[0].id)).status).toBe('done');
  });
});

describe('bus wake-ups (NOTIFY)', () => {
  let db: TestDatabase;
  let listener: WakeupListener;

  beforeAll(async () => {
    db = await createTestDatabase();
    listener = await WakeupListener.connect(db.url);
  });

  afterAll(async () => {
    await listener.end();
    await db.drop();
  });

  it('wakes a recipient exactly once for a batch of several messages, with no payload', async () => {
    const recipient = aBusName('worker');
    await listener.listen(`bus:${recipient}`);

    await busSend(db.pool, someRequests(5, { recipient }));

    const notifications = await listener.heardOn(`bus:${recipient}`);
    expect(notifications).toHaveLength(1);
    expect(notifications[0].payload).toBe('');
  });

  it('wakes each recipient of a batch once', async () => {
    const [first, second] = [aBusName('worker'), aBusName('worker')];
    await listener.listen(`bus:${first}`);
    await listener.listen(`bus:${second}`);

    await busSend(db.pool, [...someRequests(2, { recipient: first }), ...someRequests(3, { recipient: second })]);

    expect(await listener.heardOn(`bus:${first}`)).toHaveLength(1);
    expect(await listener.heardOn(`bus:${second}`)).toHaveLength(1);
  });

  it('does not wake a recipient for a message that is not due yet', async () => {
    const recipient = aBusName('worker');
    await listener.listen(`bus:${recipient}`);

    await busSend(db.pool, [aRequest({ recipient, available_at: msFromNow(60_000) })]);

    expect(await listener.heardOn(`bus:${recipient}`)).toEqual([]);
  });

  it('does not wake a recipient for a repeated idempotency key', async () => {
    const recipient = aBusName('worker');
    const request = aRequest({ recipient, idempotency_key: 'once' });
    await busSend(db.pool, [request]);
    await listener.listen(`bus:${recipient}`);

    const [repeat] = await busSend(db.pool, [request]);

    expect(repeat.duplicate).toBe(true);
    expect(await listener.heardOn(`bus:${recipient}`)).toEqual([]);
  });

  it('wakes the sender when the reply to its request is written', async () => {
    const request = aRequest();
    const instance = aBusName('instance');
    await busSend(db.pool, [request]);
    const [claimed] = await busClaim(db.pool, request.recipient, instance);
    await listener.listen(`bus:${request.sender}`);

    await busComplete(db.pool, leaseOf(claimed), instance, { answer: 'pong' });

    expect(await listener.heardOn(`bus:${request.sender}`)).toHaveLength(1);
  });

  it('wakes the group once when leases are released', async () => {
    const recipient = aBusName('worker');
    const instance = aBusName('instance');
    await busSend(db.pool, someRequests(3, { recipient }));
    await busClaim(db.pool, recipient, instance);
    await listener.listen(`bus:${recipient}`);

    expect(await busRelease(db.pool, instance)).toBe(3);

    expect(await listener.heardOn(`bus:${recipient}`)).toHaveLength(1);
  });
});
