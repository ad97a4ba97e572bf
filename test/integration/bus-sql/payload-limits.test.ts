import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { DatabaseError } from 'pg';
import { aBusName, aRequest, anEvent } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { busClaim, busComplete, busPublish, busSend, busSubscribe, busTakeReplies, leaseOf } from './bus-functions';
import { WakeupListener } from './wakeup-listener';

// One seed per run, so a failure replays; FUZZ_SEED=<n> explores others (fast-check prints the seed).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261127) });

const MIGRATIONS = resolve(__dirname, '../../../supabase/migrations');
/** The database's limit, in bytes of Postgres's JSON text (20261127140000_bus_payload_limits.sql). */
const SQL_LIMIT_BYTES = 2_097_152;
/** BusClient's default limit, in bytes of compact JSON. */
const CLIENT_LIMIT_BYTES = 1_000_000;
/** Postgres refuses NOTIFY payloads of 8000 bytes and more, and channel names over 63 bytes. */
const NOTIFY_PAYLOAD_LIMIT_BYTES = 8000;
const CHANNEL_LIMIT_BYTES = 63;

const PROGRAM_LIMIT_EXCEEDED = '54000';
const CHECK_VIOLATION = '23514';
const UNTRANSLATABLE_CHARACTER = '22P05';
const INVALID_TEXT_REPRESENTATION = '22P02';

/** What a refused call threw: a Postgres error with its SQLSTATE. */
async function refusal(call: Promise<unknown>): Promise<DatabaseError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof DatabaseError)) throw new Error(`expected a Postgres error, got ${String(outcome)}`);
  return outcome;
}

function withoutComments(sql: string): string {
  return sql.replace(/--.*$/gm, '');
}

async function count(db: TestDatabase, sql: string, values: unknown[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`select count(*)::integer as n from ${sql}`, values);
  return rows[0].n;
}

describe('payload limits of bus_send and bus_publish', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('refuses a request over the limit with a clear error, and stores nothing of it', async () => {
    const request = aRequest({ payload: { blob: 'x'.repeat(SQL_LIMIT_BYTES) } });

    const error = await refusal(busSend(db.pool, [request]));

    expect(error.code).toBe(PROGRAM_LIMIT_EXCEEDED);
    expect(error.message).toMatch(
      new RegExp(
        `^PAYLOAD_TOO_LARGE: the request ".*" to ${request.recipient} carries \\d+ bytes of JSON; the bus takes at most ${SQL_LIMIT_BYTES}\\.$`,
      ),
    );
    expect(error.hint).toMatch(/artifact/);
    expect(await count(db, 'agent_messages where recipient = $1', [request.recipient])).toBe(0);
  });

  it('refuses the whole batch that carries one oversized message, so nothing is half sent', async () => {
    const recipient = aBusName('worker');
    const batch = [aRequest({ recipient }), aRequest({ recipient, payload: 'y'.repeat(SQL_LIMIT_BYTES + 1) })];

    expect((await refusal(busSend(db.pool, batch))).code).toBe(PROGRAM_LIMIT_EXCEEDED);
    expect(await count(db, 'agent_messages where recipient = $1', [recipient])).toBe(0);
  });

  it('accepts the largest payload the client accepts, even in the shape Postgres writes longest', async () => {
    // Compact JSON "[0,0,…]" is 2 bytes per element; Postgres writes "[0, 0, …]", 3 bytes.
    const payload = new Array<number>(Math.floor((CLIENT_LIMIT_BYTES - 1) / 2)).fill(0);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(CLIENT_LIMIT_BYTES);
    const request = aRequest({ payload });

    const [sent] = await busSend(db.pool, [request]);

    expect(sent.duplicate).toBe(false);
    const { rows } = await db.pool.query<{ bytes: number }>(
      'select octet_length(payload::text) as bytes from agent_messages where id = $1',
      [sent.id],
    );
    expect(rows[0].bytes).toBeGreaterThan(CLIENT_LIMIT_BYTES);
  });

  it('refuses an oversized event before it is appended or fanned out', async () => {
    const group = aBusName('group');
    const event = anEvent({ data: { blob: 'z'.repeat(SQL_LIMIT_BYTES) } });
    await busSubscribe(db.pool, group, [event.type]);

    const error = await refusal(busPublish(db.pool, [event]));

    expect(error.code).toBe(PROGRAM_LIMIT_EXCEEDED);
    expect(error.message).toMatch(
      new RegExp(`^PAYLOAD_TOO_LARGE: the event "${event.type}" from ${event.source} carries`),
    );
    expect(await count(db, 'bus_events where type = $1', [event.type])).toBe(0);
    expect(await count(db, 'agent_messages where pattern = $1', [event.type])).toBe(0);
  });

  it('still answers a request whose result is over the limit: a reply is never refused', async () => {
    const request = aRequest();
    await busSend(db.pool, [request]);
    const instance = aBusName('instance');
    const [claimed] = await busClaim(db.pool, request.recipient, instance);

    expect(await busComplete(db.pool, leaseOf(claimed), instance, { blob: 'r'.repeat(SQL_LIMIT_BYTES) })).toBe(true);

    const [reply] = await busTakeReplies(db.pool, request.sender);
    expect(reply.correlation_id).toBe(claimed.id);
  });
});

describe('NOTIFY limits of the bus wake-ups', () => {
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

  it('notifies with an empty payload on a channel of at most 63 bytes, in every migration', () => {
    const calls = readdirSync(MIGRATIONS)
      .filter((file) => file.endsWith('.sql'))
      .flatMap((file) =>
        [
          ...withoutComments(readFileSync(join(MIGRATIONS, file), 'utf8')).matchAll(
            /pg_notify\(([^,]+),\s*([^)]*)\)|^\s*notify\s+\S+/gim,
          ),
        ].map((match) => ({ file, call: match[0], channel: match[1]?.trim(), payload: match[2]?.trim() })),
      );

    expect(calls.length).toBeGreaterThan(0);
    // Every channel is 'bus:' || a bus_name (at most 56 characters): at most 60 bytes.
    expect(
      calls.filter((call) => call.payload !== "''" || !/^'bus:' \|\| \w+\.recipient$/.test(call.channel ?? '')),
    ).toEqual([]);
    expect('bus:'.length + 56).toBeLessThanOrEqual(CHANNEL_LIMIT_BYTES);
  });

  it('wakes the longest recipient name for a message at the payload limit with a 512-character unicode pattern', async () => {
    const recipient = `w-${aBusName('worker')}`.padEnd(56, 'x');
    const channel = `bus:${recipient}`;
    await listener.listen(channel);
    const payload = { blob: '語'.repeat(Math.floor((SQL_LIMIT_BYTES - 100) / 3)) };

    const [sent] = await busSend(db.pool, [aRequest({ recipient, pattern: '語'.repeat(512), payload })]);

    expect(sent.status).toBe('queued');
    expect((await listener.heardOn(channel)).map((notification) => notification.payload)).toEqual(['']);
  });

  it('refuses a recipient name too long for a channel by its domain, not by NOTIFY, and stores nothing', async () => {
    const recipient = 'w'.repeat(57);

    const error = await refusal(busSend(db.pool, [aRequest({ recipient })]));

    expect(error.code).toBe(CHECK_VIOLATION);
    expect(error.message).toMatch(/domain public\.bus_name/);
    expect(await count(db, 'agent_messages where recipient::text = $1', [recipient])).toBe(0);
  });

  it('whatever the recipient and pattern, a max-size message is delivered and woken, or refused by a table rule', async () => {
    const name = fc.oneof(
      fc.stringMatching(/^[a-z0-9_:-]{1,56}$/),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', minLength: 50, maxLength: 70 }),
      fc.constantFrom('', 'UPPER', 'bus:x', 'a'.repeat(56), 'a'.repeat(64), 'ä'.repeat(30), 'x\u0000y', '"; drop'),
    );
    const pattern = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 600 }),
      fc.constantFrom('語'.repeat(512), 'p'.repeat(513), ''),
    );
    const payload = { blob: 'p'.repeat(CLIENT_LIMIT_BYTES - 20) };

    await fc.assert(
      fc.asyncProperty(name, pattern, async (recipient, messagePattern) => {
        const channel = `bus:${recipient}`;
        const listenable = !recipient.includes('\u0000') && Buffer.byteLength(channel) <= CHANNEL_LIMIT_BYTES;
        if (listenable) await listener.listen(channel);
        const outcome = await busSend(db.pool, [aRequest({ recipient, pattern: messagePattern, payload })]).then(
          (rows) => ({ sent: rows }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(DatabaseError);
          const error = outcome.error as DatabaseError;
          expect([CHECK_VIOLATION, UNTRANSLATABLE_CHARACTER, INVALID_TEXT_REPRESENTATION]).toContain(error.code);
          expect(error.message).not.toMatch(/payload string too long|channel name too long/);
          return;
        }
        expect(outcome.sent).toHaveLength(1);
        expect(listenable).toBe(true);
        const woken = await listener.heardOn(channel);
        expect(woken.length).toBeGreaterThan(0);
        for (const notification of woken) {
          expect(Buffer.byteLength(notification.payload ?? '')).toBeLessThan(NOTIFY_PAYLOAD_LIMIT_BYTES);
        }
      }),
      { numRuns: 40 },
    );
  });
});
