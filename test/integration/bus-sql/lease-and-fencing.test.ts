import { setTimeout as sleep } from 'node:timers/promises';
import { aBusName, aRequest } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busComplete,
  busCompleteMany,
  busExtend,
  busFail,
  busSend,
  leaseOf,
  letLeaseRunOut,
  messageById,
  repliesTo,
  type AgentMessageRow,
} from './bus-functions';

describe('bus leases and fencing', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  /** A request claimed by `first`, whose lease ran out and was taken over by `second`. */
  async function takenOver(): Promise<{
    stale: AgentMessageRow;
    current: AgentMessageRow;
    first: string;
    second: string;
  }> {
    const recipient = aBusName('worker');
    const first = aBusName('instance');
    const second = aBusName('instance');
    await busSend(db.pool, [aRequest({ recipient })]);
    const [stale] = await busClaim(db.pool, recipient, first);
    await letLeaseRunOut(db.pool, stale.id);
    const [current] = await busClaim(db.pool, recipient, second);
    expect(current.id).toBe(stale.id);
    return { stale, current, first, second };
  }

  describe('bus_claim', () => {
    it('redelivers a message whose lease expired, with attempts incremented', async () => {
      const recipient = aBusName('worker');
      await busSend(db.pool, [aRequest({ recipient })]);
      const [first] = await busClaim(db.pool, recipient, aBusName('instance'), { leaseMs: 50 });
      expect(first.attempts).toBe(1);

      await sleep(120);
      const second = aBusName('instance');
      const [again] = await busClaim(db.pool, recipient, second);

      expect(again).toMatchObject({ id: first.id, status: 'claimed', attempts: 2, claimed_by: second });
      expect(again.lease_until!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    });

    it('does not redeliver a message whose lease is still running', async () => {
      const recipient = aBusName('worker');
      await busSend(db.pool, [aRequest({ recipient })]);
      await busClaim(db.pool, recipient, aBusName('instance'), { leaseMs: 30_000 });

      expect(await busClaim(db.pool, recipient, aBusName('instance'))).toEqual([]);
    });
  });

  describe('bus_complete', () => {
    it('refuses a worker whose lease was taken over, and accepts the new holder', async () => {
      const { stale, current, first, second } = await takenOver();

      expect(await busComplete(db.pool, leaseOf(stale), first, { from: 'stale' })).toBe(false);
      expect(await messageById(db.pool, stale.id)).toMatchObject({ status: 'claimed', claimed_by: second });
      expect(await repliesTo(db.pool, stale.id)).toEqual([]);

      expect(await busComplete(db.pool, leaseOf(current), second, { from: 'current' })).toBe(true);
      expect(await messageById(db.pool, stale.id)).toMatchObject({ status: 'done', result: { from: 'current' } });
      const replies = await repliesTo(db.pool, stale.id);
      expect(replies).toHaveLength(1);
      expect(replies[0].payload).toEqual({ from: 'current' });
    });

    it('refuses a stale attempt of the same instance that claimed the message again', async () => {
      const recipient = aBusName('worker');
      const instance = aBusName('instance');
      await busSend(db.pool, [aRequest({ recipient })]);
      const [stale] = await busClaim(db.pool, recipient, instance);
      await letLeaseRunOut(db.pool, stale.id);
      const [current] = await busClaim(db.pool, recipient, instance);

      expect(current.attempts).toBe(2);
      expect(await busComplete(db.pool, leaseOf(stale), instance)).toBe(false);
      expect(await busComplete(db.pool, leaseOf(current), instance)).toBe(true);
    });

    it('completes a message only once', async () => {
      const recipient = aBusName('worker');
      const instance = aBusName('instance');
      await busSend(db.pool, [aRequest({ recipient })]);
      const [claimed] = await busClaim(db.pool, recipient, instance);

      expect(await busComplete(db.pool, leaseOf(claimed), instance, 1)).toBe(true);
      expect(await busComplete(db.pool, leaseOf(claimed), instance, 2)).toBe(false);
      expect(await repliesTo(db.pool, claimed.id)).toHaveLength(1);
    });

    it('completes a batch of leases, accepting only those still held (bus_complete_many)', async () => {
      const { stale, first } = await takenOver();
      const recipient = aBusName('worker');
      await busSend(db.pool, [aRequest({ recipient })]);
      const [held] = await busClaim(db.pool, recipient, first);

      const accepted = await busCompleteMany(db.pool, first, [
        { ...leaseOf(stale), reply: 'late' },
        { ...leaseOf(held), reply: 'on time' },
      ]);

      expect(accepted).toEqual([held.id]);
      expect((await messageById(db.pool, stale.id)).status).toBe('claimed');
      expect(await messageById(db.pool, held.id)).toMatchObject({ status: 'done', result: 'on time' });
    });
  });

  describe('bus_fail', () => {
    it('refuses a worker whose lease was taken over, and accepts the new holder', async () => {
      const { stale, current, first, second } = await takenOver();
      const error = { code: 'BOOM', message: 'The handler threw.' };

      expect(await busFail(db.pool, leaseOf(stale), first, error)).toEqual([]);
      expect(await messageById(db.pool, stale.id)).toMatchObject({
        status: 'claimed',
        claimed_by: second,
        error: null,
      });

      const [failed] = await busFail(db.pool, leaseOf(current), second, error);
      expect(failed).toMatchObject({ status: 'queued', attempts: 2 });
      expect((await messageById(db.pool, stale.id)).error).toEqual(error);
    });
  });

  describe('bus_extend', () => {
    it('moves the lease of the current holder forward', async () => {
      const recipient = aBusName('worker');
      const instance = aBusName('instance');
      await busSend(db.pool, [aRequest({ recipient })]);
      const [claimed] = await busClaim(db.pool, recipient, instance, { leaseMs: 1_000 });

      const extended = await busExtend(db.pool, instance, [leaseOf(claimed)], 60_000);

      expect(extended).toHaveLength(1);
      expect(extended[0].id).toBe(claimed.id);
      expect(extended[0].lease_until.getTime()).toBeGreaterThan(claimed.lease_until!.getTime() + 50_000);
      expect((await messageById(db.pool, claimed.id)).lease_until).toEqual(extended[0].lease_until);
    });

    it('extends nothing for a worker whose lease was taken over', async () => {
      const { stale, current, first } = await takenOver();

      expect(await busExtend(db.pool, first, [leaseOf(stale)], 60_000)).toEqual([]);
      expect((await messageById(db.pool, stale.id)).lease_until).toEqual(current.lease_until);
    });
  });
});
