import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import fc from 'fast-check';
import request from 'supertest';
import { AGENT_NAMES } from '@cogo/config';
import { CAPABILITIES, GENERATORS, WORKFLOW_TEMPLATES } from '@cogo/contracts';
import { DevModule } from '@cogo/dev';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

// One seed per run, so a failure replays; FUZZ_SEED=<n> explores others (fast-check prints the seed).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261127) });

/**
 * Random and malformed requests to every route of the developer API, against the five agents
 * running as processes: every answer is a 2xx (the input happened to be valid) or a 4xx with a
 * JSON message, never a 5xx; afterwards every agent is alive and ready and no bus message is left
 * queued or claimed. Failures print fast-check's seed and path, to replay with `{ seed, path }`.
 */

interface FuzzRequest {
  readonly method: 'get' | 'post';
  readonly url: string;
  /** A JSON body, or raw text with its content type. */
  readonly body?: { readonly json: unknown } | { readonly raw: string; readonly type: string };
  /** A server-sent event stream: judged by its status and headers, then closed. */
  readonly stream?: boolean;
}

/** What the checks read of an answer (a supertest response has these too). */
interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
  readonly body: unknown;
}

/** Values that are valid somewhere, or dangerous: traversal, the filesystem root, odd numbers. */
const TRICKY = fc.constantFrom<unknown>(
  ...WORKFLOW_TEMPLATES,
  ...CAPABILITIES,
  ...GENERATORS,
  '00000000-0000-4000-8000-000000000000',
  '/',
  '/.',
  '../../..',
  '/tmp/../..',
  '__proto__',
  'a'.repeat(3_000),
  '\u0000',
  '\ud800',
  '𝒳̸̢',
  -1,
  0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  true,
  [],
  {},
);

const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 30 }), TRICKY);

/** Fields the bodies of the developer API read, so random values land where validation has work to do. */
const BODY_FIELDS = [
  'intent',
  'template',
  'input',
  'plan_id',
  'idempotency_key',
  'wait',
  'spec',
  'generator',
  'root',
  'repository',
  'capability',
] as const;

function nested(depth: number): unknown {
  let inner: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) inner = level % 2 ? [inner] : { input: inner };
  return inner;
}

/** A JSON body whose `__proto__` and `constructor` are own keys, as a client would send them. */
function withOwnProto(fields: Record<string, unknown>, proto: unknown): string {
  return `{"__proto__":${JSON.stringify(proto)},"constructor":${JSON.stringify(proto)}${JSON.stringify(fields).slice(1) === '}' ? '}' : `,${JSON.stringify(fields).slice(1)}`}`;
}

const jsonBody = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...BODY_FIELDS), value, { maxKeys: 5 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], '', 0, 'x'.repeat(50_000), nested(400)) },
);

const malformedBody = fc.oneof(
  fc.string({ maxLength: 40 }).map((raw) => ({ raw: `{${raw}`, type: 'application/json' })),
  fc.constantFrom(
    { raw: '', type: 'application/json' },
    { raw: '{"intent": "a",}', type: 'application/json' },
    { raw: 'null', type: 'application/json' },
    { raw: '"just a string"', type: 'application/json' },
    { raw: '\u0000\u0001', type: 'application/json' },
    { raw: 'intent=x&template=indexing', type: 'application/x-www-form-urlencoded' },
    { raw: 'intent: x', type: 'text/plain' },
    { raw: '<intent>x</intent>', type: 'application/xml' },
    { raw: '{"intent":"x"}', type: 'application/json; charset=utf-16' },
  ),
  fc
    .tuple(fc.dictionary(fc.constantFrom(...BODY_FIELDS), value, { maxKeys: 3 }), value)
    .map(([fields, proto]) => ({ raw: withOwnProto(fields, proto), type: 'application/json' })),
);

const body = fc.oneof(
  { weight: 3, arbitrary: jsonBody.map((json) => ({ json })) },
  { weight: 1, arbitrary: malformedBody },
);

/** A path segment: ids that are not uuids or trace ids, traversal, encodings, unicode. */
const segment = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.constantFrom('not-a-uuid', '0'.repeat(32), '00000000-0000-0000-0000-000000000000', '..', '%2e%2e', '%00', 'ÄBC'),
);

const QUERY_KEYS = ['window', 'type', 'page', 'page_size', 'run_id', 'wait'] as const;

/** Query strings with negative, huge, fractional and repeated values. */
const query = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })),
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map(String),
        fc.constantFrom('-1', '0', '1.5', '1e309', 'NaN', '201', '', '15m', '0s', '99999d', '1h', 'abc'),
      ),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));

const encoded = (text: string): string => encodeURIComponent(text);

/**
 * How each route is fuzzed, by "METHOD /path" exactly as the controllers declare it. The test
 * below compares these keys with the routes of DevModule's controllers, so a new route fails it
 * until it is added here. `/artifacts/*` is a middleware, not a controller route.
 */
const ROUTES: Readonly<Record<string, fc.Arbitrary<FuzzRequest>>> = {
  'POST /api/orchestrator/plan': post('/api/orchestrator/plan'),
  'POST /api/orchestrator/execute': post('/api/orchestrator/execute'),
  'GET /api/orchestrator/state/:run_id': fc
    .tuple(segment, query)
    .map(([id, search]) => ({ method: 'get', url: `/api/orchestrator/state/${encoded(id)}${search}` })),
  'GET /api/workflows/templates': get('/api/workflows/templates'),
  'POST /api/workflows/execute': post('/api/workflows/execute'),
  'GET /api/workflows/gate': get('/api/workflows/gate'),
  'POST /api/pipeline/codeBuildTest': post('/api/pipeline/codeBuildTest'),
  'POST /api/pipeline/indexing': post('/api/pipeline/indexing'),
  'POST /api/pipeline/execute': post('/api/pipeline/execute'),
  'GET /api/integration/status': get('/api/integration/status'),
  'GET /api/metrics/trace/:trace_id': fc
    .tuple(segment, query)
    .map(([id, search]) => ({ method: 'get', url: `/api/metrics/trace/${encoded(id)}${search}` })),
  'GET /api/metrics/latency': get('/api/metrics/latency'),
  'GET /api/metrics/events': get('/api/metrics/events'),
  'GET /api/metrics/decision-quality': get('/api/metrics/decision-quality'),
  'GET /dev': get('/dev'),
  'GET /dev/traces/:trace_id': fc
    .tuple(segment, query)
    .map(([id, search]) => ({ method: 'get', url: `/dev/traces/${encoded(id)}${search}` })),
  'GET /dev/assets/:name': fc
    .tuple(segment, query)
    .map(([name, search]) => ({ method: 'get', url: `/dev/assets/${encoded(name)}${search}` })),
  'GET /dev/api/traces': get('/dev/api/traces'),
  'GET /dev/api/stream': get('/dev/api/stream').map((fuzz) => ({ ...fuzz, stream: true })),
};

const ARTIFACTS = fc
  .array(fc.oneof(segment, fc.constantFrom('..', '.logs', '%2e%2e%2f', '..%2f..%2fetc%2fpasswd', '.')), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => ({
    method: 'get' as const,
    url: `/artifacts/${parts.map((part) => (/%/.test(part) ? part : encoded(part))).join('/')}`,
  }));

function post(url: string): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(body, query).map(([payload, search]) => ({ method: 'post', url: `${url}${search}`, body: payload }));
}

function get(url: string): fc.Arbitrary<FuzzRequest> {
  return query.map((search) => ({ method: 'get', url: `${url}${search}` }));
}

/** "METHOD /path" of every route DevModule's controllers declare, read from Nest's own metadata. */
function declaredRoutes(): string[] {
  const controllers = DevModule.register({ artifactsBase: '/nonexistent' }).controllers ?? [];
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function') return [];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) return [];
      return [`${RequestMethod[method]} /${base}/${path}`.replace(/\/+$/, '')];
    });
  });
}

describe('bad input to every route of the developer API', () => {
  let e2e: E2eStack;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    e2e = await startE2eStack();
    http = request(e2e.stack.apiUrl);
  });

  afterAll(async () => {
    await e2e?.close();
  });

  async function answer(fuzz: FuzzRequest): Promise<Answer> {
    if (fuzz.stream) return streamAnswer(fuzz.url);
    let call = fuzz.method === 'get' ? http.get(fuzz.url) : http.post(fuzz.url);
    call = call.timeout(150_000);
    if (fuzz.body && 'json' in fuzz.body) {
      return call.set('content-type', 'application/json').send(JSON.stringify(fuzz.body.json));
    }
    if (fuzz.body) return call.set('content-type', fuzz.body.type).send(fuzz.body.raw);
    return call;
  }

  /** The status and type of an event stream; the stream itself is closed at once. */
  async function streamAnswer(url: string): Promise<Answer> {
    const abort = new AbortController();
    const response = await fetch(`${e2e.stack.apiUrl}${url}`, { signal: abort.signal });
    const type = (response.headers.get('content-type') ?? '').split(';')[0];
    if (response.status < 400) {
      abort.abort();
      return { status: response.status, type, text: '', body: undefined };
    }
    const text = await response.text();
    return {
      status: response.status,
      type,
      text,
      body: type === 'application/json' ? (JSON.parse(text) as unknown) : text,
    };
  }

  /** 2xx, or a 4xx in JSON that says what was wrong; never a 5xx. */
  function expectClearAnswer(fuzz: FuzzRequest, response: Answer): void {
    const seen = `${fuzz.method.toUpperCase()} ${fuzz.url.slice(0, 200)} -> ${response.status} ${response.text.slice(0, 300)}`;
    expect({ seen, serverError: response.status >= 500 }).toEqual({ seen, serverError: false });
    if (response.status < 400) return;
    // The viewer's pages answer a browser: their 404 is an HTML page that says what was not found.
    const page = fuzz.url.startsWith('/dev/') && !fuzz.url.startsWith('/dev/api/');
    if (page && response.type === 'text/html') {
      expect({ seen, clear: response.text.length > 0 }).toEqual({ seen, clear: true });
      return;
    }
    expect({ seen, type: response.type }).toEqual({ seen, type: 'application/json' });
    const payload = response.body as { message?: unknown; error?: { code?: unknown; message?: unknown } };
    const message = payload.error?.message ?? payload.message;
    const text = Array.isArray(message) ? message.join('; ') : message;
    expect({ seen, clear: typeof text === 'string' && text.length >= 8 }).toEqual({ seen, clear: true });
  }

  it('fuzzes exactly the routes the controllers declare', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(declaredRoutes().sort());
  });

  it('refuses a body over the size limit with 413 and a clear JSON message, before anything reaches the bus', async () => {
    const before = await e2e.db.pool.query<{ n: number }>('select count(*)::integer as n from agent_messages');

    const response = await http
      .post('/api/orchestrator/plan')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ intent: 'x'.repeat(2_000_000) }));

    expect(response.status).toBe(413);
    expect(response.type).toBe('application/json');
    expect((response.body as { message: string }).message).toMatch(
      /^The request body is larger than this API accepts \(.*\)\. Send large data as a file or an artifact/,
    );
    const after = await e2e.db.pool.query<{ n: number }>('select count(*)::integer as n from agent_messages');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it.each(Object.keys(ROUTES))('answers random and malformed requests to %s with 2xx or a clear 4xx', async (route) => {
    await fc.assert(
      fc.asyncProperty(ROUTES[route], async (fuzz) => {
        expectClearAnswer(fuzz, await answer(fuzz));
      }),
      { numRuns: 25 },
    );
  });

  it('answers random paths under /artifacts with 2xx or a clear 4xx, and serves nothing outside ARTIFACTS_BASE', async () => {
    await fc.assert(
      fc.asyncProperty(ARTIFACTS, async (fuzz) => {
        const response = await answer(fuzz);
        expectClearAnswer(fuzz, response);
        expect(response.text).not.toMatch(/root:x:0:0|"name": "cogo-agent-core"/);
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ['a NUL character in the intent', '/api/orchestrator/plan', { intent: 'a\u0000b' }, 400, 'INVALID_PAYLOAD'],
    ['a lone surrogate in the intent', '/api/orchestrator/plan', { intent: '\ud800' }, 400, 'INVALID_PAYLOAD'],
    ['the filesystem root to index', '/api/pipeline/indexing', { root: '/' }, 400, undefined],
    ['a codeBuildTest without a spec', '/api/pipeline/codeBuildTest', {}, 400, undefined],
    [
      'a worker refusing a dispatched input',
      '/api/pipeline/execute',
      { capability: 'index.repository', input: { root: 7 } },
      400,
      'STEP_FAILED',
    ],
  ])('answers %s with a 4xx, not a 5xx', async (_, url, json, status, code) => {
    // Regressions: the first two were 500s (Postgres refused the payload), the third indexed `/`,
    // the fourth was a 500 (a TypeError on the missing spec), the last a 502 for the caller's mistake.
    const response = await http.post(url).set('content-type', 'application/json').send(JSON.stringify(json));

    expect(response.status).toBe(status);
    if (code) expect(response.body).toMatchObject({ error: { code } });
  });

  describe('afterwards', () => {
    it('leaves no run running and no message queued or claimed once the agents are quiet', async () => {
      const deadline = Date.now() + 60_000;
      let open: unknown[];
      do {
        ({ rows: open } = await e2e.db.pool.query(
          `select 'message' as what, pattern, status from agent_messages where status in ('queued', 'claimed')
           union all select 'run', template, status from workflow_runs where status = 'running'`,
        ));
        if (open.length === 0) break;
        await new Promise((done) => setTimeout(done, 500));
      } while (Date.now() < deadline);

      expect(open).toEqual([]);
    });

    it('keeps every agent alive and ready', async () => {
      for (const agent of AGENT_NAMES) {
        const child = e2e.stack.agent(agent)?.process;
        const lastWords =
          child?.exitCode === null ? [] : e2e.output.filter((line) => line.startsWith(agent)).slice(-12);
        expect({ agent, exitCode: child?.exitCode, signal: child?.signalCode, lastWords }).toEqual({
          agent,
          exitCode: null,
          signal: null,
          lastWords: [],
        });
        const response = await fetch(`http://127.0.0.1:${e2e.stack.portOf(agent)}/health/ready`);
        expect({ agent, status: response.status }).toEqual({ agent, status: 200 });
      }
    });
  });
});
