import { Client } from 'pg';
import { aBusName, aRequest } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busComplete,
  busSend,
  countMessagesFor,
  leaseOf,
  messageById,
  type SendResultRow,
} from './bus-functions';

describe('bus_send', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('enqueues each message with its defaults and returns it', async () => {
    const request = aRequest({ headers: { 'x-trace': 'yes' } });

    const [sent] = await busSend(db.pool, [request]);

    expect(sent).toMatchObject({
      recipient: request.recipient,
      idempotency_key: null,
      duplicate: false,
      status: 'queued',
    });
    const row = await messageById(db.pool, sent.id);
    expect(row).toMatchObject({
      kind: 'request',
      pattern: request.pattern,
      sender: request.sender,
      payload: request.payload,
      headers: { 'x-trace': 'yes' },
      attempts: 0,
      max_attempts: 5,
    });
    expect(row.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(row.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('returns the first message for a repeated idempotency key and creates nothing', async () => {
    const recipient = aBusName('worker');
    const [first] = await busSend(db.pool, [
      aRequest({ recipient, idempotency_key: 'order-1', payload: { version: 1 } }),
    ]);

    const [repeat] = await busSend(db.pool, [
      aRequest({ recipient, idempotency_key: 'order-1', payload: { version: 2 } }),
    ]);

    expect(first.duplicate).toBe(false);
    expect(repeat).toEqual<SendResultRow>({
      id: first.id,
      recipient,
      idempotency_key: 'order-1',
      duplicate: true,
      status: 'queued',
    });
    expect(await countMessagesFor(db.pool, recipient)).toBe(1);
    expect((await messageById(db.pool, first.id)).payload).toEqual({ version: 1 });
  });

  it('answers a repeat of a finished request with its status, and does not run it again', async () => {
    const request = aRequest({ idempotency_key: 'charge-7' });
    const [first] = await busSend(db.pool, [request]);
    const instance = aBusName('instance');
    const [claimed] = await busClaim(db.pool, request.recipient, instance);
    await busComplete(db.pool, leaseOf(claimed), instance, { charged: true });

    const [repeat] = await busSend(db.pool, [request]);

    expect(repeat).toMatchObject({ id: first.id, duplicate: true, status: 'done' });
    expect(await busClaim(db.pool, request.recipient, instance)).toEqual([]);
  });

  it('treats the same key for another recipient as another message', async () => {
    const [forA] = await busSend(db.pool, [aRequest({ idempotency_key: 'shared-key' })]);
    const [forB] = await busSend(db.pool, [aRequest({ idempotency_key: 'shared-key' })]);

    expect(forB.duplicate).toBe(false);
    expect(forB.id).not.toBe(forA.id);
    expect(await countMessagesFor(db.pool, forA.recipient)).toBe(1);
    expect(await countMessagesFor(db.pool, forB.recipient)).toBe(1);
  });

  it('creates one message for a key repeated within a batch', async () => {
    const recipient = aBusName('worker');

    const sent = await busSend(db.pool, [
      aRequest({ recipient, idempotency_key: 'twice', payload: { copy: 1 } }),
      aRequest({ recipient, idempotency_key: 'twice', payload: { copy: 2 } }),
    ]);

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ idempotency_key: 'twice', duplicate: false });
    expect(await countMessagesFor(db.pool, recipient)).toBe(1);
    expect((await messageById(db.pool, sent[0].id)).payload).toEqual({ copy: 1 });
  });

  it('keeps every message without a key, even in one batch', async () => {
    const recipient = aBusName('worker');

    const sent = await busSend(db.pool, [aRequest({ recipient }), aRequest({ recipient }), aRequest({ recipient })]);

    expect(sent).toHaveLength(3);
    expect(await countMessagesFor(db.pool, recipient)).toBe(3);
  });

  it('does not mistake a key for the position of a message without one', async () => {
    const recipient = aBusName('worker');

    await busSend(db.pool, [aRequest({ recipient, idempotency_key: '2' }), aRequest({ recipient })]);

    expect(await countMessagesFor(db.pool, recipient)).toBe(2);
  });

  it('creates one message when two connections send the same key at once', async () => {
    const request = aRequest({ idempotency_key: 'race' });
    const senders = [new Client({ connectionString: db.url }), new Client({ connectionString: db.url })];
    await Promise.all(senders.map((client) => client.connect()));
    try {
      const results = await Promise.all(senders.map((client) => busSend(client, [request])));

      const [a, b] = results.flat();
      expect(a.id).toBe(b.id);
      expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
      expect(await countMessagesFor(db.pool, request.recipient)).toBe(1);
    } finally {
      await Promise.all(senders.map((client) => client.end()));
    }
  });

  it('rejects a recipient that is not a bus name', async () => {
    await expect(busSend(db.pool, [aRequest({ recipient: 'Not A Name' })])).rejects.toMatchObject({ code: '23514' });
  });
});
