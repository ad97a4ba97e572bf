import { aBusName, aRequest } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { busClaim, busComplete, busSend, busTakeReplies, leaseOf, messageById, repliesTo } from './bus-functions';

const MINUTE = 60_000;

describe('bus_sweep', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function sweep(replyTtlMs = 10 * MINUTE, instanceTtlMs = 10 * MINUTE) {
    const { rows } = await db.pool.query<{ replies_expired: number; instances_removed: number }>(
      'select * from public.bus_sweep($1, $2)',
      [replyTtlMs, instanceTtlMs],
    );
    return rows[0];
  }

  async function heartbeat(instance: string, agoMs = 0): Promise<void> {
    await db.pool.query(`select public.bus_heartbeat($1, 'client')`, [instance]);
    await db.pool.query(
      `update public.agent_instances set heartbeat_at = now() - make_interval(secs => $2 / 1000.0) where instance_id = $1`,
      [instance, agoMs],
    );
  }

  /** A finished request whose reply to `requester` is queued, made `ageMs` old. */
  async function answeredRequest(requester: string, ageMs: number): Promise<{ requestId: string; replyId: string }> {
    const recipient = aBusName('worker');
    const worker = aBusName('instance');
    const [sent] = await busSend(db.pool, [aRequest({ sender: requester, recipient })]);
    const [claimed] = await busClaim(db.pool, recipient, worker);
    await busComplete(db.pool, leaseOf(claimed), worker, { ok: true });
    const [reply] = await repliesTo(db.pool, sent.id);
    await db.pool.query(
      `update public.agent_messages set created_at = now() - make_interval(secs => $2 / 1000.0) where id = $1`,
      [reply.id, ageMs],
    );
    return { requestId: sent.id, replyId: reply.id };
  }

  it('expires an old reply whose requester has no presence, and says why', async () => {
    const gone = aBusName('client');
    const { requestId, replyId } = await answeredRequest(gone, 11 * MINUTE);

    const result = await sweep();

    expect(result.replies_expired).toBeGreaterThanOrEqual(1);
    const reply = await messageById(db.pool, replyId);
    expect(reply.status).toBe('expired');
    expect(reply.error).toMatchObject({ code: 'REQUESTER_GONE' });
    expect((await messageById(db.pool, requestId)).status).toBe('done');
  });

  it('leaves a reply to a live requester, and a young reply to anyone', async () => {
    const live = aBusName('client');
    await heartbeat(live);
    const toLive = await answeredRequest(live, 30 * MINUTE);
    const young = await answeredRequest(aBusName('client'), 1 * MINUTE);

    await sweep();

    expect((await messageById(db.pool, toLive.replyId)).status).toBe('queued');
    expect((await messageById(db.pool, young.replyId)).status).toBe('queued');
    expect(await busTakeReplies(db.pool, live)).toEqual([expect.objectContaining({ id: toLive.replyId })]);
  });

  it('removes presence older than its TTL and keeps the rest', async () => {
    const stale = aBusName('instance');
    const fresh = aBusName('instance');
    await heartbeat(stale, 11 * MINUTE);
    await heartbeat(fresh, 1 * MINUTE);

    const result = await sweep();

    expect(result.instances_removed).toBeGreaterThanOrEqual(1);
    const { rows } = await db.pool.query<{ instance_id: string }>(
      'select instance_id from public.agent_instances where instance_id = any($1)',
      [[stale, fresh]],
    );
    expect(rows.map((row) => row.instance_id)).toEqual([fresh]);
  });

  it.each([
    ['a reply TTL under a minute', 59_999, 10 * MINUTE],
    ['an instance TTL under a minute', 10 * MINUTE, 1_000],
  ])('refuses %s with a hint', async (_, replyTtlMs, instanceTtlMs) => {
    const error = await sweep(replyTtlMs, instanceTtlMs).then(
      () => undefined,
      (caught: unknown) => caught as { code?: string; message?: string; hint?: string },
    );
    expect(error?.code).toBe('22023');
    expect(error?.message).toMatch(/at least 60000 ms/);
    expect(error?.hint).toMatch(/live requester/);
  });
});
