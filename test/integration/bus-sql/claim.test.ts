import { Client } from 'pg';
import { aBusName, aRequest, msFromNow, someRequests } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { busClaim, busComplete, busSend, busTakeReplies, leaseOf, messageById } from './bus-functions';

describe('bus_claim', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('leases due messages oldest first, up to p_max, counting the attempt', async () => {
    const recipient = aBusName('worker');
    const instance = aBusName('instance');
    const [newest, oldest, middle] = await busSend(db.pool, [
      aRequest({ recipient, available_at: msFromNow(-1_000) }),
      aRequest({ recipient, available_at: msFromNow(-3_000) }),
      aRequest({ recipient, available_at: msFromNow(-2_000) }),
    ]);

    const claimed = await busClaim(db.pool, recipient, instance, { max: 2, leaseMs: 45_000 });

    expect(claimed.map((message) => message.id).sort()).toEqual([oldest.id, middle.id].sort());
    for (const message of claimed) {
      expect(message).toMatchObject({ status: 'claimed', attempts: 1, claimed_by: instance });
      expect(message.lease_until!.getTime() - message.claimed_at!.getTime()).toBe(45_000);
    }
    expect(await messageById(db.pool, newest.id)).toMatchObject({ status: 'queued', attempts: 0, claimed_by: null });
  });

  it('returns nothing when p_max is zero', async () => {
    const [message] = await busSend(db.pool, [aRequest()]);
    const { recipient } = await messageById(db.pool, message.id);

    expect(await busClaim(db.pool, recipient, aBusName('instance'), { max: 0 })).toEqual([]);
    expect((await messageById(db.pool, message.id)).status).toBe('queued');
  });

  it('does not deliver a message before its available_at', async () => {
    const recipient = aBusName('worker');
    const [later] = await busSend(db.pool, [aRequest({ recipient, available_at: msFromNow(60_000) })]);

    expect(await busClaim(db.pool, recipient, aBusName('instance'))).toEqual([]);
    expect((await messageById(db.pool, later.id)).status).toBe('queued');
  });

  it('delivers a message only to its recipient', async () => {
    const recipient = aBusName('worker');
    await busSend(db.pool, [aRequest({ recipient })]);

    expect(await busClaim(db.pool, aBusName('worker'), aBusName('instance'))).toEqual([]);
    expect(await busClaim(db.pool, recipient, aBusName('instance'))).toHaveLength(1);
  });

  it('does not deliver a claimed message again while its lease runs', async () => {
    const recipient = aBusName('worker');
    await busSend(db.pool, [aRequest({ recipient })]);

    expect(await busClaim(db.pool, recipient, aBusName('instance'))).toHaveLength(1);
    expect(await busClaim(db.pool, recipient, aBusName('instance'))).toEqual([]);
  });

  it('leaves replies to bus_take_replies, never to a consumer', async () => {
    const sender = aBusName('client');
    const worker = aBusName('instance');
    const [request] = await busSend(db.pool, [aRequest({ sender })]);
    const { recipient } = await messageById(db.pool, request.id);
    const [claimed] = await busClaim(db.pool, recipient, worker);
    expect(await busComplete(db.pool, leaseOf(claimed), worker, { answer: 'pong' })).toBe(true);

    expect(await busClaim(db.pool, sender, aBusName('instance'))).toEqual([]);
    const replies = await busTakeReplies(db.pool, sender);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ kind: 'reply', correlation_id: request.id, payload: { answer: 'pong' } });
  });

  it('never gives one message to two claimers on separate connections', async () => {
    const rounds = 20;
    const messagesPerRound = 200;
    const batch = 5;
    const claimers = [new Client({ connectionString: db.url }), new Client({ connectionString: db.url })];
    await Promise.all(claimers.map((client) => client.connect()));
    const claimedBy = [0, 0];
    try {
      for (let round = 0; round < rounds; round += 1) {
        const recipient = aBusName('race');
        const sent = await busSend(db.pool, someRequests(messagesPerRound, { recipient }));

        const drain = async (client: Client, index: number): Promise<string[]> => {
          const instance = `racer-${index}`;
          const ids: string[] = [];
          for (;;) {
            const claimed = await busClaim(client, recipient, instance, { max: batch });
            if (claimed.length === 0) return ids;
            ids.push(...claimed.map((message) => message.id));
          }
        };
        const perClaimer = await Promise.all(claimers.map((client, index) => drain(client, index)));

        perClaimer.forEach((ids, index) => (claimedBy[index] += ids.length));
        expect(perClaimer.flat().sort()).toEqual(sent.map((message) => message.id).sort());
      }
    } finally {
      await Promise.all(claimers.map((client) => client.end()));
    }
    // Both really raced: a claimer that got nothing would prove nothing about concurrency.
    expect(claimedBy[0]).toBeGreaterThan(0);
    expect(claimedBy[1]).toBeGreaterThan(0);
    expect(claimedBy[0] + claimedBy[1]).toBe(rounds * messagesPerRound);
  });
});
