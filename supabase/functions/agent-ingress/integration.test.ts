/**
 * The function against a real Postgres with the bus migrations applied, wired as index.ts wires
 * it. `npm run test:edge` starts one and sets SUPABASE_DB_URL; without it these tests fail (they
 * do not skip), so a green run always means the SQL path was exercised.
 */
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { loadConfig } from './config.ts';
import { type BusSender, createBusSender } from './db.ts';
import { createHandler, type IngressHandler } from './handler.ts';
import { scopedIdempotencyKey } from './intake-message.ts';
import { intakeRequest, logRecorder, signHs256, TEST_API_KEY, TEST_JWT_SECRET, userClaims } from './testing.ts';

const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

function databaseUrl(): string {
  const url = Deno.env.get('SUPABASE_DB_URL');
  if (!url) {
    throw new Error(
      'SUPABASE_DB_URL is not set. Run these tests with `npm run test:edge` (it starts a Postgres with the bus migrations), or point SUPABASE_DB_URL at a migrated database.',
    );
  }
  return url;
}

/** Signs tokens with the secret the function was given (the runner passes a random one). */
const jwtSecret = (): string => Deno.env.get('SUPABASE_JWT_SECRET') ?? TEST_JWT_SECRET;

interface Ingress {
  readonly handle: IngressHandler;
  readonly bus: BusSender;
  readonly db: postgres.Sql;
  readonly logs: ReturnType<typeof logRecorder>;
}

/** The composition of index.ts, plus a separate connection to look at the table. */
async function withIngress(
  test: (ingress: Ingress) => Promise<void>,
  overrides: { url?: string; timeoutMs?: number } = {},
): Promise<void> {
  const url = databaseUrl();
  const config = loadConfig(
    new Map([
      ['SUPABASE_DB_URL', overrides.url ?? url],
      ['SUPABASE_JWT_SECRET', jwtSecret()],
      ['SUPABASE_ANON_KEY', TEST_API_KEY],
      ['AGENT_INGRESS_DB_TIMEOUT_MS', String(overrides.timeoutMs ?? 5_000)],
    ]),
  );
  const bus = createBusSender(config.database);
  const logs = logRecorder();
  const handle = createHandler({
    config: config.ingress,
    enqueue: (message) => bus.enqueue(message),
    now: Date.now,
    log: logs.log,
  });
  const db = postgres(url, { max: 2, prepare: false, onnotice: () => undefined });
  try {
    await test({ handle, bus, db, logs });
  } catch (error) {
    // The handler's log says why a call failed; the assertion alone only shows the status.
    console.error('agent-ingress log:', JSON.stringify(logs.entries, null, 2));
    throw error;
  } finally {
    await bus.close();
    await db.end({ timeout: 2 });
  }
}

function userToken(sub?: string): Promise<string> {
  return signHs256(userClaims(Date.now(), sub ? { sub } : {}), jwtSecret());
}

async function post(handle: IngressHandler, body: unknown, headers: Record<string, string> = {}, token?: string) {
  const response = await handle(await intakeRequest({ body, headers, token: token ?? (await userToken()) }));
  return { response, body: await response.json() };
}

async function messageCount(db: postgres.Sql): Promise<number> {
  const [{ count }] = await db<{ count: number }[]>`select count(*)::int as count from public.agent_messages`;
  return count;
}

Deno.test('a request creates exactly one queued orchestrator.intake row for the orchestrator', async () => {
  await withIngress(async ({ handle, db }) => {
    const before = await messageCount(db);
    const { response, body } = await post(handle, {
      intent: 'index the repository',
      template: 'indexing',
      input: { root: '.' },
    });
    assert.equal(response.status, 202, JSON.stringify(body));
    assert.equal(await messageCount(db), before + 1);

    const rows = await db`select * from public.agent_messages where trace_id = ${body.trace_id}`;
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row.id, body.message_id);
    assert.equal(row.kind, 'request');
    assert.equal(row.pattern, 'orchestrator.intake');
    assert.equal(row.sender, 'edge:agent-ingress');
    assert.equal(row.recipient, 'orchestrator');
    assert.equal(row.status, 'queued');
    assert.equal(row.parent_span_id, null);
    assert.equal(row.idempotency_key, null);
    assert.deepEqual(row.payload, {
      intent: 'index the repository',
      template: 'indexing',
      input: { root: '.' },
      caller: { sub: userClaims().sub, role: 'authenticated' },
    });
    assert.deepEqual(row.headers, {
      traceparent: `00-${body.trace_id}-${row.span_id}-01`,
      source: 'agent-ingress',
    });
    assert.equal(response.headers.get('traceparent'), row.headers.traceparent);
  });
});

Deno.test("keeps the trace id of the caller's traceparent and records its span as the parent", async () => {
  await withIngress(async ({ handle, db }) => {
    const { response, body } = await post(
      handle,
      { intent: 'build and test', template: 'codeBuildTest' },
      { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` },
    );
    assert.equal(response.status, 202);
    assert.equal(body.trace_id, CALLER_TRACE_ID);
    const [row] = await db`select * from public.agent_messages where id = ${body.message_id}`;
    assert.equal(row.trace_id, CALLER_TRACE_ID);
    assert.equal(row.parent_span_id, CALLER_SPAN_ID);
    assert.notEqual(row.span_id, CALLER_SPAN_ID);
  });
});

Deno.test('a repeated idempotency key creates nothing new and answers with the first message', async () => {
  await withIngress(async ({ handle, db }) => {
    const key = `order-${crypto.randomUUID()}`;
    const before = await messageCount(db);
    const first = await post(handle, { intent: 'index the repository', idempotency_key: key });
    const again = await post(
      handle,
      { intent: 'index the repository', idempotency_key: key },
      { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` },
    );
    assert.equal(first.response.status, 202);
    assert.equal(first.body.duplicate, false);
    assert.equal(again.response.status, 202);
    assert.deepEqual(again.body, { trace_id: first.body.trace_id, message_id: first.body.message_id, duplicate: true });
    assert.equal(await messageCount(db), before + 1);

    const [row] = await db`select * from public.agent_messages where id = ${first.body.message_id}`;
    assert.equal(
      row.idempotency_key,
      await scopedIdempotencyKey({ sub: userClaims().sub as string, role: 'authenticated' }, key),
    );
    assert.equal(row.headers.idempotency_key, key);
    assert.equal(again.response.headers.get('traceparent'), row.headers.traceparent);

    // The same key from another user is another request.
    const other = await post(
      handle,
      { intent: 'index the repository', idempotency_key: key },
      {},
      await userToken('11111111-2222-4333-8444-555555555555'),
    );
    assert.equal(other.body.duplicate, false);
    assert.notEqual(other.body.message_id, first.body.message_id);
    assert.equal(await messageCount(db), before + 2);
  });
});

Deno.test('wakes the orchestrator with a NOTIFY on bus:orchestrator', async () => {
  await withIngress(async ({ handle, db }) => {
    let woken!: () => void;
    const notified = new Promise<void>((resolve) => (woken = resolve));
    const listener = await db.listen('bus:orchestrator', () => woken());
    try {
      const { response } = await post(handle, { intent: 'index the repository' });
      assert.equal(response.status, 202);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 5_000)));
      const outcome = await Promise.race([notified.then(() => 'notified' as const), timedOut]);
      clearTimeout(timer);
      assert.equal(outcome, 'notified');
    } finally {
      await listener.unlisten();
    }
  });
});

Deno.test('answers 503 quickly when the database cannot be reached, without internals', async () => {
  const closed = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const unreachable = `postgres://postgres:not-the-password@127.0.0.1:${port}/postgres`;
  await withIngress(
    async ({ handle, logs }) => {
      const started = performance.now();
      const { response, body } = await post(handle, { intent: 'index the repository' });
      assert.equal(response.status, 503);
      assert.equal(body.error.code, 'BUS_UNAVAILABLE');
      assert.doesNotMatch(JSON.stringify(body), /not-the-password|127\.0\.0\.1|ECONNREFUSED/);
      assert.ok(performance.now() - started < 3_000);
      assert.doesNotMatch(JSON.stringify(logs.entries), /not-the-password/);
    },
    { url: unreachable, timeoutMs: 1_000 },
  );
});

Deno.test('gives up after the timeout while the bus is locked, and the statement is cancelled', async () => {
  await withIngress(
    async ({ handle, db, logs }) => {
      const traceparent = `00-${crypto.randomUUID().replaceAll('-', '')}-${CALLER_SPAN_ID}-01`;
      const traceId = traceparent.slice(3, 35);
      await db.begin(async (locked) => {
        await locked`lock table public.agent_messages in access exclusive mode`;
        const started = performance.now();
        const { response, body } = await post(handle, { intent: 'index the repository' }, { traceparent });
        const elapsed = performance.now() - started;
        assert.equal(response.status, 503, JSON.stringify(body));
        assert.ok(elapsed >= 300 && elapsed < 2_000, `answered after ${Math.round(elapsed)} ms`);
      });
      assert.match(String(logs.entries[0]?.error), /did not finish within 400 ms/);
      // Had the insert only been abandoned, not cancelled, it would land now that the lock is gone.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rows = await db`select id from public.agent_messages where trace_id = ${traceId}`;
      assert.equal(rows.length, 0);
    },
    { timeoutMs: 400 },
  );
});

Deno.test('serves the same answers over a real HTTP socket', async () => {
  await withIngress(async ({ handle, db }) => {
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => undefined }, handle);
    try {
      const url = `http://127.0.0.1:${server.addr.port}/functions/v1/agent-ingress`;
      const headers = {
        authorization: `Bearer ${await userToken()}`,
        apikey: TEST_API_KEY,
        'content-type': 'application/json',
        traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`,
      };
      const accepted = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ intent: 'index the repository' }),
      });
      assert.equal(accepted.status, 202);
      const body = await accepted.json();
      assert.equal(body.trace_id, CALLER_TRACE_ID);
      const [row] = await db`select recipient from public.agent_messages where id = ${body.message_id}`;
      assert.equal(row.recipient, 'orchestrator');

      const tooLarge = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ intent: 'x', input: { pad: 'x'.repeat(70_000) } }),
      });
      assert.equal(tooLarge.status, 413);
      assert.equal((await tooLarge.json()).error.code, 'PAYLOAD_TOO_LARGE');

      const wrongMethod = await fetch(url, { headers });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'POST');
      await wrongMethod.body?.cancel();
    } finally {
      await server.shutdown();
    }
  });
});
