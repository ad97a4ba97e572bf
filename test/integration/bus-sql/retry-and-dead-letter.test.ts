import { aBusName, aRequest, anEvent, msFromNow } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busComplete,
  busFail,
  busPublish,
  busSend,
  busSubscribe,
  busTakeReplies,
  leaseOf,
  letLeaseRunOut,
  makeDue,
  messageById,
  repliesTo,
  type AgentMessageRow,
} from './bus-functions';

describe('bus retries and dead letters', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  /** Sends one request and claims it; returns the leased row and who holds it. */
  async function aClaimedRequest(
    overrides: Parameters<typeof aRequest>[0] = {},
  ): Promise<{ claimed: AgentMessageRow; instance: string; sender: string }> {
    const request = aRequest(overrides);
    const instance = aBusName('instance');
    await busSend(db.pool, [request]);
    const [claimed] = await busClaim(db.pool, request.recipient, instance);
    return { claimed, instance, sender: request.sender };
  }

  /** The one reply the sender got for a request, checked to be an error reply. */
  async function theErrorReply(requestId: string, sender: string): Promise<AgentMessageRow> {
    const replies = await repliesTo(db.pool, requestId);
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(reply).toMatchObject({ kind: 'reply', recipient: sender, correlation_id: requestId, payload: null });
    expect(reply.error?.code).toMatch(/^[A-Z_]+$/);
    expect(reply.error?.message).toMatch(/\S/);
    return reply;
  }

  describe('bus_fail', () => {
    it('requeues a retryable failure after a backoff that grows with attempts, then dead-letters it', async () => {
      const base = 1_000;
      const { claimed, instance, sender } = await aClaimedRequest({ max_attempts: 4 });
      let lease = leaseOf(claimed);
      const backoffs: number[] = [];

      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const error = { code: 'FLAKY', message: `attempt ${attempt} failed` };
        const [failed] = await busFail(db.pool, lease, instance, error, { retryBaseMs: base });

        expect(failed).toMatchObject({ status: 'queued', attempts: attempt });
        // Exponential with jitter: base * 2^(attempt-1), scaled by a factor in [0.5, 1].
        expect(failed.backoff_ms).toBeGreaterThanOrEqual(base * 2 ** (attempt - 1) * 0.5);
        expect(failed.backoff_ms).toBeLessThanOrEqual(base * 2 ** (attempt - 1));
        backoffs.push(failed.backoff_ms);
        expect(await messageById(db.pool, claimed.id)).toMatchObject({
          status: 'queued',
          claimed_by: null,
          lease_until: null,
          completed_at: null,
          error,
        });
        expect(await busClaim(db.pool, claimed.recipient, instance)).toEqual([]);
        expect(await repliesTo(db.pool, claimed.id)).toEqual([]);

        await makeDue(db.pool, claimed.id);
        const [again] = await busClaim(db.pool, claimed.recipient, instance);
        expect(again).toMatchObject({ id: claimed.id, attempts: attempt + 1 });
        lease = leaseOf(again);
      }
      expect(backoffs).toEqual([...backoffs].sort((a, b) => a - b));

      const lastError = { code: 'FLAKY', message: 'attempt 4 failed' };
      const [dead] = await busFail(db.pool, lease, instance, lastError, { retryBaseMs: base });

      expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
      const row = await messageById(db.pool, claimed.id);
      expect(row).toMatchObject({ status: 'dead', error: lastError, lease_until: null });
      expect(row.completed_at).not.toBeNull();
      const reply = await theErrorReply(claimed.id, sender);
      expect(reply.error).toEqual(lastError);
      expect(await busClaim(db.pool, claimed.recipient, instance)).toEqual([]);
    });

    it('caps the backoff at five minutes', async () => {
      const { claimed, instance } = await aClaimedRequest({ max_attempts: 100 });
      await db.pool.query('update public.agent_messages set attempts = 30 where id = $1', [claimed.id]);

      const [failed] = await busFail(db.pool, { id: claimed.id, attempt: 30 }, instance, {
        code: 'FLAKY',
        message: 'again',
      });

      expect(failed.status).toBe('queued');
      expect(failed.backoff_ms).toBeGreaterThanOrEqual(150_000);
      expect(failed.backoff_ms).toBeLessThanOrEqual(300_000);
    });

    it('fails a non-retryable error at once and answers the sender', async () => {
      const { claimed, instance, sender } = await aClaimedRequest({ max_attempts: 5 });
      const error = { code: 'BAD_REQUEST', message: 'The payload has no question.' };

      const [failed] = await busFail(db.pool, leaseOf(claimed), instance, error, { retryable: false });

      expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
      expect(await messageById(db.pool, claimed.id)).toMatchObject({ status: 'failed', error });
      const reply = await theErrorReply(claimed.id, sender);
      expect(reply.error).toEqual(error);
      expect(reply.headers).toEqual({ outcome: 'failed' });
    });

    it('hands the error reply to its sender through bus_take_replies, once', async () => {
      const { claimed, instance, sender } = await aClaimedRequest({ max_attempts: 1 });
      const error = { code: 'BOOM', message: 'The handler threw.' };
      await busFail(db.pool, leaseOf(claimed), instance, error);

      const taken = await busTakeReplies(db.pool, sender);

      expect(taken).toHaveLength(1);
      expect(taken[0]).toMatchObject({
        kind: 'reply',
        status: 'done',
        correlation_id: claimed.id,
        recipient: sender,
        error,
        headers: { outcome: 'dead' },
      });
      expect(await busTakeReplies(db.pool, sender)).toEqual([]);
    });
  });

  describe('bus_claim', () => {
    it('dead-letters a request whose lease ran out on its last attempt, with LEASE_EXPIRED', async () => {
      const { claimed, instance, sender } = await aClaimedRequest({ max_attempts: 1 });
      await letLeaseRunOut(db.pool, claimed.id);

      expect(await busClaim(db.pool, claimed.recipient, aBusName('instance'))).toEqual([]);

      const row = await messageById(db.pool, claimed.id);
      expect(row).toMatchObject({ status: 'dead', attempts: 1, lease_until: null });
      expect(row.error).toMatchObject({ code: 'LEASE_EXPIRED', retryable: false });
      expect(row.error!.message).toContain(instance);
      const reply = await theErrorReply(claimed.id, sender);
      expect(reply.error).toMatchObject({ code: 'LEASE_EXPIRED' });
    });

    it('expires a queued request past its deadline instead of running it, with DEADLINE_EXCEEDED', async () => {
      const request = aRequest({ deadline_at: msFromNow(-1_000) });
      const [sent] = await busSend(db.pool, [request]);

      expect(await busClaim(db.pool, request.recipient, aBusName('instance'))).toEqual([]);

      const row = await messageById(db.pool, sent.id);
      expect(row).toMatchObject({ status: 'expired', attempts: 0 });
      expect(row.error).toMatchObject({ code: 'DEADLINE_EXCEEDED', retryable: false });
      const reply = await theErrorReply(sent.id, request.sender);
      expect(reply.error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    });

    it('expires a request whose lease ran out after its deadline passed', async () => {
      const { claimed, sender } = await aClaimedRequest({ deadline_at: msFromNow(60_000) });
      await db.pool.query(
        "update public.agent_messages set deadline_at = now() - interval '1 second', lease_until = now() - interval '1 second' where id = $1",
        [claimed.id],
      );

      expect(await busClaim(db.pool, claimed.recipient, aBusName('instance'))).toEqual([]);

      expect((await messageById(db.pool, claimed.id)).status).toBe('expired');
      expect((await theErrorReply(claimed.id, sender)).error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    });

    it('runs a request whose deadline is still ahead', async () => {
      const request = aRequest({ deadline_at: msFromNow(60_000) });
      await busSend(db.pool, [request]);

      expect(await busClaim(db.pool, request.recipient, aBusName('instance'))).toHaveLength(1);
    });
  });

  describe('bus_complete', () => {
    it('answers a completed request with exactly one reply carrying the result', async () => {
      const { claimed, instance, sender } = await aClaimedRequest();

      expect(await busComplete(db.pool, leaseOf(claimed), instance, { answer: 'pong' })).toBe(true);

      expect(await messageById(db.pool, claimed.id)).toMatchObject({ status: 'done', result: { answer: 'pong' } });
      const replies = await repliesTo(db.pool, claimed.id);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({
        kind: 'reply',
        status: 'queued',
        sender: instance,
        recipient: sender,
        correlation_id: claimed.id,
        trace_id: claimed.trace_id,
        parent_span_id: claimed.span_id,
        payload: { answer: 'pong' },
        headers: { outcome: 'done' },
        error: null,
      });
    });

    it('writes no reply for an event', async () => {
      const group = aBusName('group');
      const event = anEvent();
      await busSubscribe(db.pool, group, [event.type]);
      await busPublish(db.pool, [event]);
      const instance = aBusName('instance');
      const [delivery] = await busClaim(db.pool, group, instance);

      expect(await busComplete(db.pool, leaseOf(delivery), instance, { ignored: true })).toBe(true);

      expect(await messageById(db.pool, delivery.id)).toMatchObject({ status: 'done', result: null });
      expect(await repliesTo(db.pool, delivery.id)).toEqual([]);
    });
  });
});
