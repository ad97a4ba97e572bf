import assert from 'node:assert/strict';
import { MAX_BODY_BYTES } from './config.ts';
import { createHandler, type HandlerDeps } from './handler.ts';
import { INGRESS_SENDER, INTAKE_PATTERN, INTAKE_RECIPIENT, scopedIdempotencyKey } from './intake-message.ts';
import { parseTraceparent } from './trace-context.ts';
import {
  errorOf,
  fakeBus,
  generateSigningKey,
  intakeRequest,
  logRecorder,
  NOW_MS,
  signHs256,
  signWith,
  testConfig,
  USER_ID,
  userClaims,
} from './testing.ts';

const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

function setup(overrides: Partial<HandlerDeps> = {}) {
  const bus = fakeBus();
  const logs = logRecorder();
  const handle = createHandler({
    config: testConfig(),
    enqueue: (message) => bus.enqueue(message),
    now: () => NOW_MS,
    log: logs.log,
    ...overrides,
  });
  return { handle, bus, logs };
}

function assertJsonError(response: Response): void {
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
}

Deno.test('answers 405 with Allow: POST to every method but POST', async () => {
  const { handle, bus } = setup();
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    const response = await handle(await intakeRequest({ method }));
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get('allow'), 'POST');
    assertJsonError(response);
    const error = await errorOf(response);
    assert.equal(error.code, 'METHOD_NOT_ALLOWED');
    assert.match(error.message, /POST/);
  }
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 401 when the apikey header is missing or not a project key', async () => {
  const { handle, bus } = setup();
  const missing = await handle(await intakeRequest({ apiKey: null }));
  assert.equal(missing.status, 401);
  assertJsonError(missing);
  assert.equal((await errorOf(missing)).code, 'MISSING_API_KEY');

  const unknown = await handle(await intakeRequest({ apiKey: 'sb_publishable_someone_else' }));
  assert.equal(unknown.status, 401);
  assert.equal((await errorOf(unknown)).code, 'INVALID_API_KEY');
  assert.equal(bus.sent.length, 0);
});

Deno.test('accepts any apikey when no project keys are configured', async () => {
  const { handle } = setup({ config: testConfig({ apiKeys: new Set() }) });
  const response = await handle(await intakeRequest({ apiKey: 'anything' }));
  assert.equal(response.status, 202);
});

Deno.test('answers 401 with a Bearer challenge when the Authorization header is missing', async () => {
  const { handle, bus } = setup();
  const response = await handle(await intakeRequest({ token: null }));
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="agent-ingress"/);
  const error = await errorOf(response);
  assert.equal(error.code, 'MISSING_TOKEN');
  assert.match(error.message, /Authorization: Bearer/);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 401 invalid_token to a malformed Authorization header or token', async () => {
  const { handle, bus } = setup();
  const valid = await signHs256(userClaims());
  const [header, payload] = valid.split('.');
  const cases: Record<string, string> = {
    'Basic scheme': `Basic ${btoa('user:password')}`,
    'no token': 'Bearer ',
    'two parts': 'Bearer abc.def',
    'four parts': `Bearer ${valid}.extra`,
    'payload not JSON': `Bearer ${header}.${btoa('not json').replaceAll('=', '')}.c2ln`,
    'header not base64url': `Bearer %%%.${payload}.c2ln`,
    'payload an array': `Bearer ${header}.${btoa('[1]').replaceAll('=', '')}.c2ln`,
  };
  for (const [name, authorization] of Object.entries(cases)) {
    const response = await handle(await intakeRequest({ headers: { authorization } }));
    assert.equal(response.status, 401, name);
    assertJsonError(response);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/, name);
    assert.equal((await errorOf(response)).code, 'INVALID_TOKEN', name);
  }
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 401 TOKEN_EXPIRED to an expired token', async () => {
  const { handle, bus } = setup();
  const now = Math.floor(NOW_MS / 1000);
  const token = await signHs256(userClaims(NOW_MS, { iat: now - 7200, exp: now - 60 }));
  const response = await handle(await intakeRequest({ token }));
  assert.equal(response.status, 401);
  const error = await errorOf(response);
  assert.equal(error.code, 'TOKEN_EXPIRED');
  assert.match(error.message, /refresh/);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 401 to a token signed with another secret, or tampered with', async () => {
  const { handle, bus } = setup();
  const foreign = await signHs256(userClaims(), 'another-projects-secret-of-32-characters');
  const response = await handle(await intakeRequest({ token: foreign }));
  assert.equal(response.status, 401);
  const error = await errorOf(response);
  assert.equal(error.code, 'INVALID_TOKEN');
  assert.match(error.message, /signature/);

  // A user promoting themselves to service_role keeps the old signature.
  const [header, , signature] = (await signHs256(userClaims())).split('.');
  const forged = `${header}.${btoa(JSON.stringify(userClaims(NOW_MS, { role: 'service_role' }))).replace(/=+$/, '')}.${signature}`;
  const tampered = await handle(await intakeRequest({ token: forged }));
  assert.equal(tampered.status, 401);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 401 to unsigned (alg none) tokens and tokens without exp or role', async () => {
  const { handle, bus } = setup();
  const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '')}.${btoa(
    JSON.stringify(userClaims()),
  ).replace(/=+$/, '')}.`;
  const noExp = await signHs256(userClaims(NOW_MS, { exp: undefined }));
  const noRole = await signHs256(userClaims(NOW_MS, { role: undefined }));
  for (const token of [unsigned, noExp, noRole]) {
    const response = await handle(await intakeRequest({ token }));
    assert.equal(response.status, 401);
    assert.equal((await errorOf(response)).code, 'INVALID_TOKEN');
  }
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 403 to a valid token whose role may not enqueue (anon)', async () => {
  const { handle, bus } = setup();
  const anon = await signHs256({ iss: 'supabase', role: 'anon', iat: 0, exp: Math.floor(NOW_MS / 1000) + 60 });
  const response = await handle(await intakeRequest({ token: anon }));
  assert.equal(response.status, 403);
  const error = await errorOf(response);
  assert.equal(error.code, 'ROLE_NOT_ALLOWED');
  assert.match(error.message, /"anon"/);
  assert.equal(bus.sent.length, 0);
});

Deno.test('accepts ES256 tokens signed with a key of the JWKS', async () => {
  const signingKey = await generateSigningKey('ES256', 'key-1');
  const { handle, bus } = setup({
    config: testConfig({ tokenKeys: { jwtSecret: null, jwks: [signingKey.jwk] } }),
  });
  const response = await handle(await intakeRequest({ token: await signWith(signingKey, userClaims()) }));
  assert.equal(response.status, 202);
  assert.equal(bus.sent.length, 1);

  // Without the shared secret, an HS256 token is refused.
  const hs256 = await handle(await intakeRequest({ token: await signHs256(userClaims()) }));
  assert.equal(hs256.status, 401);
});

Deno.test('answers 413 by the declared Content-Length, before reading the body', async () => {
  const { handle, bus } = setup();
  let pulled = 0;
  // highWaterMark 0: nothing is pulled until someone reads.
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode('{}'));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const response = await handle(
    await intakeRequest({ body, headers: { 'content-length': String(MAX_BODY_BYTES + 1) } }),
  );
  assert.equal(response.status, 413);
  assertJsonError(response);
  const error = await errorOf(response);
  assert.equal(error.code, 'PAYLOAD_TOO_LARGE');
  assert.match(error.message, /65536 bytes/);
  assert.equal(pulled, 0);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 413 by the bytes actually read when no length is declared', async () => {
  const { handle, bus } = setup();
  const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      // Endless: the handler must stop reading on its own.
      controller.enqueue(chunk);
    },
  });
  const request = await intakeRequest({ body });
  assert.equal(request.headers.get('content-length'), null);
  const response = await handle(request);
  assert.equal(response.status, 413);
  assert.equal((await errorOf(response)).code, 'PAYLOAD_TOO_LARGE');
  assert.ok(pulled <= 6, `read ${pulled} chunks of 16 KiB`);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 413 when a declared length understates the body', async () => {
  const { handle } = setup();
  const response = await handle(
    await intakeRequest({
      body: JSON.stringify({ intent: 'x'.repeat(MAX_BODY_BYTES) }),
      headers: { 'content-length': '20' },
    }),
  );
  assert.equal(response.status, 413);
});

Deno.test('accepts a body of exactly the size limit', async () => {
  const { handle } = setup();
  const padding = MAX_BODY_BYTES - JSON.stringify({ intent: 'go', input: { pad: '' } }).length;
  const body = JSON.stringify({ intent: 'go', input: { pad: 'x'.repeat(padding) } });
  assert.equal(body.length, MAX_BODY_BYTES);
  const response = await handle(await intakeRequest({ body }));
  assert.equal(response.status, 202);
});

Deno.test('answers 415 to a body that is not declared as JSON', async () => {
  const { handle, bus } = setup();
  const response = await handle(await intakeRequest({ headers: { 'content-type': 'text/plain' } }));
  assert.equal(response.status, 415);
  assert.equal((await errorOf(response)).code, 'UNSUPPORTED_MEDIA_TYPE');
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 400 INVALID_JSON to a body that does not parse', async () => {
  const { handle } = setup();
  for (const body of ['{"intent": ', '', 'intent=x']) {
    const response = await handle(await intakeRequest({ body }));
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal((await errorOf(response)).code, 'INVALID_JSON');
  }
});

Deno.test('answers 400 with every field problem at once', async () => {
  const { handle, bus } = setup();
  const response = await handle(
    await intakeRequest({
      body: { intent: 'x'.repeat(2001), template: 'deploy', input: [1], idempotency_key: '', priority: 'high' },
    }),
  );
  assert.equal(response.status, 400);
  assertJsonError(response);
  const error = await errorOf(response);
  assert.equal(error.code, 'INVALID_REQUEST');
  assert.deepEqual(
    error.fields?.map((field) => field.field),
    ['intent', 'template', 'input', 'idempotency_key', 'priority'],
  );
  assert.match(error.fields?.[0].problem ?? '', /2001 characters long; shorten it to at most 2000/);
  assert.match(error.fields?.[1].problem ?? '', /"indexing", "codeBuildTest"/);
  assert.equal(bus.sent.length, 0);
});

Deno.test('answers 400 when intent is missing, blank or not a string, or the body is not an object', async () => {
  const { handle } = setup();
  const cases: [unknown, string][] = [
    [{}, 'intent'],
    [{ intent: '   ' }, 'intent'],
    [{ intent: 42 }, 'intent'],
    [{ intent: 'go', idempotency_key: 'k'.repeat(201) }, 'idempotency_key'],
    [{ intent: 'go', input: null }, 'input'],
    [['intent'], '$'],
    ['"just a string"', '$'],
  ];
  for (const [body, field] of cases) {
    const response = await handle(await intakeRequest({ body }));
    assert.equal(response.status, 400, JSON.stringify(body));
    const error = await errorOf(response);
    assert.deepEqual(
      error.fields?.map((problem) => problem.field),
      [field],
      JSON.stringify(body),
    );
  }
});

Deno.test('enqueues one orchestrator.intake request and answers 202 with its ids', async () => {
  const { handle, bus, logs } = setup({ newMessageId: () => '0d6f4f3e-3f5a-4b0e-9a43-5d1f3c8b2a10' });
  const response = await handle(
    await intakeRequest({
      body: {
        intent: 'build and test the calculator',
        template: 'codeBuildTest',
        input: { spec: { name: 'calculator' } },
        idempotency_key: 'order-42',
      },
    }),
  );
  assert.equal(response.status, 202);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(bus.sent.length, 1);
  const [message] = bus.sent;
  const body = await response.json();
  assert.deepEqual(body, { trace_id: message.trace_id, message_id: message.id, duplicate: false });

  assert.equal(message.id, '0d6f4f3e-3f5a-4b0e-9a43-5d1f3c8b2a10');
  assert.equal(message.kind, 'request');
  assert.equal(message.pattern, INTAKE_PATTERN);
  assert.equal(message.pattern, 'orchestrator.intake');
  assert.equal(message.sender, INGRESS_SENDER);
  assert.equal(message.recipient, INTAKE_RECIPIENT);
  assert.deepEqual(message.payload, {
    intent: 'build and test the calculator',
    template: 'codeBuildTest',
    input: { spec: { name: 'calculator' } },
    caller: { sub: USER_ID, role: 'authenticated' },
  });
  assert.match(message.trace_id, /^[0-9a-f]{32}$/);
  assert.match(message.span_id, /^[0-9a-f]{16}$/);
  assert.equal(message.parent_span_id, null);
  assert.equal(message.headers.source, 'agent-ingress');
  assert.equal(message.headers.traceparent, `00-${message.trace_id}-${message.span_id}-01`);
  assert.equal(message.headers.idempotency_key, 'order-42');
  assert.equal(
    message.idempotency_key,
    await scopedIdempotencyKey({ sub: USER_ID, role: 'authenticated' }, 'order-42'),
  );
  assert.equal(response.headers.get('traceparent'), message.headers.traceparent);
  assert.deepEqual(
    logs.entries.map((entry) => entry.event),
    ['intake.enqueued'],
  );
});

Deno.test('leaves template, input and idempotency key out when the caller did', async () => {
  const { handle, bus } = setup();
  const serviceKey = await signHs256({ iss: 'supabase', role: 'service_role', exp: Math.floor(NOW_MS / 1000) + 60 });
  const response = await handle(await intakeRequest({ token: serviceKey, body: { intent: 'index the repo' } }));
  assert.equal(response.status, 202);
  const [message] = bus.sent;
  assert.deepEqual(message.payload, { intent: 'index the repo', caller: { sub: null, role: 'service_role' } });
  assert.equal(message.idempotency_key, null);
  assert.equal('idempotency_key' in message.headers, false);
});

Deno.test("continues the caller's trace: same trace id, caller's span as parent, a new span of ours", async () => {
  const { handle, bus } = setup();
  const response = await handle(
    await intakeRequest({
      headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`, tracestate: 'vendor=opaque' },
    }),
  );
  assert.equal(response.status, 202);
  const [message] = bus.sent;
  assert.equal(message.trace_id, CALLER_TRACE_ID);
  assert.equal(message.parent_span_id, CALLER_SPAN_ID);
  assert.notEqual(message.span_id, CALLER_SPAN_ID);
  assert.equal(message.headers.tracestate, 'vendor=opaque');
  assert.equal((await response.json()).trace_id, CALLER_TRACE_ID);
  const returned = parseTraceparent(response.headers.get('traceparent'));
  assert.deepEqual(returned, { traceId: CALLER_TRACE_ID, parentId: message.span_id, sampled: true });
});

Deno.test("keeps the caller's sampled flag off when it is off", async () => {
  const { handle, bus } = setup();
  await handle(await intakeRequest({ headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-00` } }));
  assert.equal(bus.sent[0].headers.traceparent, `00-${CALLER_TRACE_ID}-${bus.sent[0].span_id}-00`);
});

Deno.test('starts a new trace when the traceparent is invalid', async () => {
  const { handle, bus } = setup();
  const invalid = [
    `00-${'0'.repeat(32)}-${CALLER_SPAN_ID}-01`,
    `00-${CALLER_TRACE_ID}-${'0'.repeat(16)}-01`,
    `00-${CALLER_TRACE_ID.toUpperCase()}-${CALLER_SPAN_ID}-01`,
    `ff-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`,
    `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01-extra`,
    'garbage',
  ];
  for (const traceparent of invalid) {
    const response = await handle(await intakeRequest({ headers: { traceparent, tracestate: 'vendor=x' } }));
    assert.equal(response.status, 202, traceparent);
  }
  for (const message of bus.sent) {
    assert.notEqual(message.trace_id, CALLER_TRACE_ID);
    assert.equal(message.parent_span_id, null);
    assert.equal('tracestate' in message.headers, false);
  }
  assert.equal(new Set(bus.sent.map((message) => message.trace_id)).size, invalid.length);
});

Deno.test('answers 202 duplicate with the first message id and trace for a repeated idempotency key', async () => {
  const first = { messageId: '7c1e8e52-9f9c-4d55-b0e5-0e6f4f1b7a21', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
  const bus = fakeBus({ ...first, duplicate: true });
  const { handle } = setup({ enqueue: (message) => bus.enqueue(message) });
  const response = await handle(await intakeRequest({ body: { intent: 'again', idempotency_key: 'order-42' } }));
  assert.equal(response.status, 202);
  assert.deepEqual(await response.json(), { trace_id: first.traceId, message_id: first.messageId, duplicate: true });
  assert.equal(response.headers.get('traceparent'), `00-${first.traceId}-${first.spanId}-01`);
});

Deno.test('scopes idempotency keys to the caller', async () => {
  const { handle, bus } = setup();
  const otherUser = await signHs256(userClaims(NOW_MS, { sub: '11111111-2222-4333-8444-555555555555' }));
  const body = { intent: 'go', idempotency_key: 'same-key' };
  await handle(await intakeRequest({ body }));
  await handle(await intakeRequest({ body }));
  await handle(await intakeRequest({ body, token: otherUser }));
  const [mine, mineAgain, theirs] = bus.sent.map((message) => message.idempotency_key);
  assert.equal(mine, mineAgain);
  assert.notEqual(mine, theirs);
  assert.match(mine ?? '', /^agent-ingress:[0-9a-f]{64}$/);
});

Deno.test('answers 503 without internals when the bus cannot be reached', async () => {
  const secret = 'postgres://postgres:hunter2@db.internal:5432/postgres';
  const logs = logRecorder();
  const { handle } = setup({
    enqueue: () => Promise.reject(new Error(`connect ECONNREFUSED ${secret}`)),
    log: logs.log,
  });
  const response = await handle(await intakeRequest({ body: { intent: 'go', idempotency_key: 'k-1' } }));
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('retry-after'), '5');
  assertJsonError(response);
  const text = await response.text();
  assert.doesNotMatch(text, /hunter2|db\.internal|ECONNREFUSED|postgres:/);
  const { error } = JSON.parse(text);
  assert.equal(error.code, 'BUS_UNAVAILABLE');
  assert.match(error.message, /same idempotency_key/);
  assert.equal(logs.entries[0].event, 'intake.enqueue_failed');
});

Deno.test('returns a traceparent on error answers too', async () => {
  const { handle } = setup();
  const response = await handle(
    await intakeRequest({ token: null, headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` } }),
  );
  assert.equal(response.status, 401);
  assert.equal(parseTraceparent(response.headers.get('traceparent'))?.traceId, CALLER_TRACE_ID);
});
