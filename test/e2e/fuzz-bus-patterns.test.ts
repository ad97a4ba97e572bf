import fc from 'fast-check';
import { lastValueFrom } from 'rxjs';
import {
  BusClient,
  BusErrorCode,
  BusRecordBuilder,
  BusRpcException,
  PayloadTooLargeException,
  PostgresDriver,
  RemoteErrorException,
  RequestTimeoutException,
} from '@cogo/bus';
import { AGENT_NAMES } from '@cogo/config';
import { BUS_ROUTES, CAPABILITIES, Events, Patterns, WORKFLOW_TEMPLATES } from '@cogo/contracts';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

// One seed per run, so a failure replays; FUZZ_SEED=<n> explores others (fast-check prints the seed).
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261127) });

/**
 * Random and malformed payloads to every message pattern and every event type, sent by a real
 * BusClient to the five agents running as processes. Each request ends in a reply or a typed error,
 * never in a timeout (a stuck message) or a crashed agent; afterwards nothing is left queued or
 * claimed and every request has exactly one reply. Failures print fast-check's seed and path.
 */

const SEND_TIMEOUT_MS = 45_000;
const RUNS_PER_PATTERN = 14;
const CLIENT_LIMIT_BYTES = 1_000_000;
const FUZZER = 'fuzzer:patterns';

/** Field names the agents' DTOs read, so random values land where validation has work to do. */
const KNOWN_FIELDS = [
  'intent',
  'template',
  'input',
  'planId',
  'runId',
  'idempotencyKey',
  'caller',
  'capability',
  'timeoutMs',
  'spec',
  'generator',
  'workspace',
  'root',
  'repository',
  'windowMs',
] as const;

/** Values that are valid somewhere, or dangerous: path traversal, the filesystem root, odd numbers. */
const TRICKY_VALUES: unknown[] = [
  ...WORKFLOW_TEMPLATES,
  ...CAPABILITIES,
  'template',
  '00000000-0000-4000-8000-000000000000',
  '/',
  '//',
  '/.',
  '..',
  '../../..',
  '/tmp/../..',
  '/proc/self',
  'does-not-exist/../../..',
  'a'.repeat(5_000),
  -1,
  0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  { $from: 'generate.workspace' },
  { module: 'fuzz', functions: [{ name: 'f', params: [], returns: 'number', examples: [{ args: [], expected: 1 }] }] },
];

const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...TRICKY_VALUES),
);

/** Objects with the known fields, of any type; sometimes `__proto__` and `constructor` as own keys. */
const knownFields = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...KNOWN_FIELDS), fieldValue, { maxKeys: 5 }),
    fc.option(fieldValue, { nil: undefined, freq: 4 }),
  )
  .map(([fields, proto]) => (proto === undefined ? fields : withOwnProto({ ...fields, constructor: proto }, proto)));

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { input: value };
  return value;
}

const payloads = fc.oneof(
  { weight: 3, arbitrary: knownFields },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], {}, '', 0, true, 'x'.repeat(200_000), nested(300)) },
);

/** A payload with `__proto__` as an own key, as JSON.parse makes it. */
function withOwnProto(fields: Record<string, unknown>, proto: unknown): unknown {
  return JSON.parse(`{"__proto__":${JSON.stringify(proto)},${JSON.stringify(fields).slice(1)}`) as unknown;
}

describe('bad input to every message pattern', () => {
  let e2e: E2eStack;
  let client: BusClient;

  beforeAll(async () => {
    e2e = await startE2eStack();
    client = new BusClient(new PostgresDriver({ connectionString: e2e.db.url, poolSize: 4 }), {
      group: 'fuzzer',
      instanceId: FUZZER,
      routes: BUS_ROUTES,
      timeoutMs: SEND_TIMEOUT_MS,
    });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await client?.unwrap<PostgresDriver>().close();
    await e2e?.close();
  });

  /** The reply, or the typed error it ended with; a timeout or an untyped error fails the test. */
  async function send(pattern: string, payload: unknown): Promise<{ ok: true } | { ok: false; code: string }> {
    try {
      await lastValueFrom(client.send(pattern, payload));
      return { ok: true };
    } catch (error) {
      if (error instanceof RequestTimeoutException) {
        throw new Error(
          `no reply to ${pattern} within ${SEND_TIMEOUT_MS} ms: a stuck message for ${JSON.stringify(payload)?.slice(0, 300)}`,
          { cause: error },
        );
      }
      if (!(error instanceof BusRpcException)) throw error;
      expect(error.payload.message.length).toBeGreaterThan(10);
      return { ok: false, code: error.code };
    }
  }

  async function rowCount(sql: string, values: unknown[] = []): Promise<number> {
    const { rows } = await e2e.db.pool.query<{ n: number }>(`select count(*)::integer as n from ${sql}`, values);
    return rows[0].n;
  }

  describe.each(Object.values(Patterns))('%s', (pattern) => {
    it('answers random and malformed payloads with a reply or a typed error, never a timeout', async () => {
      await fc.assert(
        fc.asyncProperty(payloads, async (payload) => {
          const outcome = await send(pattern, payload);
          if (outcome.ok) return;
          expect(outcome.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          // A handler that crashed on its input (and was retried for nothing) is a missing validation.
          expect({ pattern, code: outcome.code }).not.toEqual({ pattern, code: BusErrorCode.HandlerError });
        }),
        { numRuns: RUNS_PER_PATTERN },
      );
    });
  });

  it('answers validation failures with VALIDATION_FAILED and the fields at fault, once, without retrying', async () => {
    const error = await lastValueFrom(client.send(Patterns.OrchestratorState, { runId: 7, extra: true })).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(RemoteErrorException);
    expect((error as RemoteErrorException).payload).toMatchObject({
      code: BusErrorCode.ValidationFailed,
      retryable: false,
      details: expect.arrayContaining(['property extra should not exist', 'runId must be a UUID']) as unknown,
    });
    const { rows } = await e2e.db.pool.query<{ attempts: number; status: string }>(
      'select attempts, status from agent_messages where id = $1',
      [(error as RemoteErrorException).requestId],
    );
    expect(rows).toEqual([{ attempts: 1, status: 'failed' }]);
  });

  it('refuses codegen.generate without a spec at once, instead of crashing the handler and retrying it', async () => {
    // Regression: ValidateNested let a missing spec through; the handler threw a TypeError
    // (HANDLER_ERROR, retryable) and the request ran 5 times over about 10 s before failing.
    const error = await lastValueFrom(client.send(Patterns.CodegenGenerate, {})).catch((thrown: unknown) => thrown);

    expect((error as RemoteErrorException).payload).toMatchObject({ code: BusErrorCode.ValidationFailed });
    const { rows } = await e2e.db.pool.query<{ attempts: number }>(
      'select attempts from agent_messages where id = $1',
      [(error as RemoteErrorException).requestId],
    );
    expect(rows).toEqual([{ attempts: 1 }]);
  });

  it.each([
    ['the filesystem root', '/'],
    ['the filesystem root, spelled //', '//'],
    ['the filesystem root, spelled /.', '/.'],
    ['a climb out of the working directory', '../../..'],
    ['a climb out of an absolute directory', '/tmp/../..'],
  ])('refuses to index %s', async (_, root) => {
    // Regression: index.repository used to index whatever directory it was given, `/` included.
    const outcome = await send(Patterns.IndexRepository, { root });

    expect(outcome).toEqual({ ok: false, code: BusErrorCode.ValidationFailed });
    const dispatched = await send(Patterns.DispatcherExecute, {
      capability: Patterns.IndexRepository,
      input: { root },
    });
    expect(dispatched.ok).toBe(false);
  });

  it('drops `__proto__` and `constructor` keys without merging them into any prototype', async () => {
    const intent = 'generate a slugify helper and test it';
    const polluting = withOwnProto({ intent }, { template: 'indexing', intent: 'polluted' });

    const plan = await lastValueFrom(
      client.send<{ template: string; intent: string }>(Patterns.OrchestratorPlan, polluting),
    );

    expect(plan).toMatchObject({ template: 'codeBuildTest', intent });
    const next = await lastValueFrom(client.send<{ template: string }>(Patterns.OrchestratorPlan, { intent }));
    expect(next.template).toBe('codeBuildTest');
    // Nest's ValidationPipe strips these keys before validation: dropped, not refused, and harmless.
    const withConstructor = await lastValueFrom(
      client.send<{ template: string }>(Patterns.OrchestratorPlan, { intent, constructor: { prototype: { x: 1 } } }),
    );
    expect(withConstructor.template).toBe('codeBuildTest');
  });

  it('sends a null payload as JSON null: a reply or a validation error, never an untyped throw', async () => {
    // Regression: Nest's ClientProxy threw a plain "invalid data or message pattern" Error for null.
    await expect(lastValueFrom(client.send(Patterns.OrchestratorTemplates, null))).resolves.toHaveLength(2);
    expect(await send(Patterns.OrchestratorState, null)).toEqual({ ok: false, code: BusErrorCode.ValidationFailed });
    await expect(lastValueFrom(client.emit(Events.IndexProgress, undefined))).resolves.toMatchObject({
      duplicate: false,
    });
  });

  describe.each(Object.values(Events))('event %s', (type) => {
    it('publishes random data, and every delivery of it ends done or dead with a reason', async () => {
      await fc.assert(
        fc.asyncProperty(payloads, async (data) => {
          await expect(lastValueFrom(client.emit(type, data))).resolves.toMatchObject({ duplicate: false });
        }),
        { numRuns: 5 },
      );
    });
  });

  describe('refused before the database', () => {
    it('refuses a send over the payload limit with PayloadTooLargeException, writing no row', async () => {
      const before = await rowCount('agent_messages where sender = $1', [FUZZER]);

      const error = await lastValueFrom(
        client.send(Patterns.OrchestratorPlan, { intent: 'x'.repeat(CLIENT_LIMIT_BYTES) }),
      ).catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(PayloadTooLargeException);
      expect((error as PayloadTooLargeException).message).toMatch(
        /takes at most 1000000\. Store large data as an artifact/,
      );
      expect(await rowCount('agent_messages where sender = $1', [FUZZER])).toBe(before);
    });

    it('refuses an emit over the payload limit with PayloadTooLargeException, writing no event', async () => {
      const before = await rowCount('bus_events where source = $1', ['fuzzer']);

      await expect(
        lastValueFrom(client.emit(Events.IndexProgress, { blob: 'x'.repeat(CLIENT_LIMIT_BYTES) })),
      ).rejects.toBeInstanceOf(PayloadTooLargeException);

      expect(await rowCount('bus_events where source = $1', ['fuzzer'])).toBe(before);
    });

    it.each([
      ['a NUL character', { intent: 'a\u0000b' }],
      ['a NUL character in a key', { 'in\u0000put': 1 }],
      ['a lone high surrogate', { intent: 'a\ud800b' }],
      ['a lone low surrogate', { intent: '\udc00' }],
      ['a BigInt', { intent: 1n }],
    ])(
      'refuses a payload with %s as INVALID_PAYLOAD, without failing the sends batched with it',
      async (_, payload) => {
        // Regression: Postgres refused the whole batch (one statement) with "unsupported Unicode
        // escape sequence", so every request sent in the same tick failed with an untyped error.
        const before = await rowCount('agent_messages where sender = $1', [FUZZER]);

        const [refused, neighbour] = await Promise.allSettled([
          lastValueFrom(client.send(Patterns.OrchestratorPlan, payload)),
          lastValueFrom(client.send(Patterns.OrchestratorTemplates, {})),
        ]);

        expect(refused.status === 'rejected' && (refused.reason as BusRpcException).payload).toMatchObject({
          code: BusErrorCode.InvalidPayload,
          retryable: false,
        });
        expect(neighbour.status).toBe('fulfilled');
        expect(await rowCount('agent_messages where sender = $1', [FUZZER])).toBe(before + 1);
      },
    );

    it.each([
      ['a recipient too long for a NOTIFY channel', new BusRecordBuilder({}).setRecipient('r'.repeat(57)).build()],
      ['a recipient with capitals', new BusRecordBuilder({}).setRecipient('Orchestrator').build()],
      ['an idempotency key over 200 characters', new BusRecordBuilder({}).setIdempotencyKey('k'.repeat(201)).build()],
      ['zero attempts', new BusRecordBuilder({}).setMaxAttempts(0).build()],
      ['a timeout Node cannot keep', new BusRecordBuilder({}).setTimeout(2 ** 31).build()],
    ])('refuses %s as INVALID_MESSAGE, without failing the sends batched with it', async (_, record) => {
      const [refused, neighbour] = await Promise.allSettled([
        lastValueFrom(client.send(Patterns.OrchestratorTemplates, record)),
        lastValueFrom(client.send(Patterns.OrchestratorTemplates, {})),
      ]);

      expect(refused.status === 'rejected' && (refused.reason as BusRpcException).code).toBe(
        BusErrorCode.InvalidMessage,
      );
      expect(neighbour.status).toBe('fulfilled');
    });

    it('refuses a pattern longer than the table takes as INVALID_MESSAGE', async () => {
      const error = await lastValueFrom(client.send(`orchestrator.${'p'.repeat(600)}`, {})).catch(
        (thrown: unknown) => thrown,
      );

      expect((error as BusRpcException).code).toBe(BusErrorCode.InvalidMessage);
      expect((error as BusRpcException).message).toMatch(/pattern is 613 characters long; it must be 1 to 512/);
    });
  });

  describe('afterwards', () => {
    it('leaves no message queued or claimed once the agents are quiet', async () => {
      const deadline = Date.now() + 60_000;
      let open: unknown[];
      do {
        ({ rows: open } = await e2e.db.pool.query(
          `select id, kind, pattern, status, attempts, error from agent_messages
           where status in ('queued', 'claimed') order by created_at`,
        ));
        if (open.length === 0) break;
        await new Promise((done) => setTimeout(done, 500));
      } while (Date.now() < deadline);

      expect(open).toEqual([]);
    });

    it('answered every request exactly once, and ended every event delivery with a reason', async () => {
      const { rows: unanswered } = await e2e.db.pool.query(
        `select r.id, r.pattern, r.status,
                (select count(*)::integer from agent_messages p where p.kind = 'reply' and p.correlation_id = r.id) as replies
         from agent_messages r
         where r.kind = 'request'
           and (r.status not in ('done', 'failed', 'dead', 'expired')
                or (select count(*) from agent_messages p where p.kind = 'reply' and p.correlation_id = r.id) <> 1)`,
      );
      expect(unanswered).toEqual([]);
      const { rows: deliveries } = await e2e.db.pool.query(
        `select id, pattern, status, error from agent_messages
         where kind = 'event' and (status not in ('done', 'failed', 'dead') or (status <> 'done' and error is null))`,
      );
      expect(deliveries).toEqual([]);
      expect(await rowCount('agent_messages where sender = $1', [FUZZER])).toBeGreaterThan(100);
    });

    it('keeps every agent alive and ready', async () => {
      for (const agent of AGENT_NAMES) {
        const child = e2e.stack.agent(agent)?.process;
        expect({ agent, exitCode: child?.exitCode, signal: child?.signalCode }).toEqual({
          agent,
          exitCode: null,
          signal: null,
        });
        const response = await fetch(`http://127.0.0.1:${e2e.stack.portOf(agent)}/health/ready`);
        expect({ agent, status: response.status }).toEqual({ agent, status: 200 });
      }
      expect(e2e.output.filter((line) => /"level":(50|60)|uncaught|exited \(/.test(line))).toEqual([]);
    });
  });
});
