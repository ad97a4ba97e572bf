import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { SupabaseDriver, SupabaseRpcError, busOptionsFor, type WakeupState } from '@cogo/bus';
import { loadConfig } from '@cogo/config';
import { RealtimeTestServer, eventually, sendBusMessage } from '../../support/realtime';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const SERVICE_KEY = `sb_secret_${randomBytes(12).toString('hex')}`;
const ANON_KEY = `sb_publishable_${randomBytes(12).toString('hex')}`;

interface Recorded {
  readonly states: Array<{ state: WakeupState; reason?: string; at: number }>;
  readonly wakes: number[];
}

function recorder(): Recorded & { handlers: { onWake: () => void; onState: (s: WakeupState, r?: string) => void } } {
  const recorded: Recorded = { states: [], wakes: [] };
  return {
    ...recorded,
    handlers: {
      onWake: () => recorded.wakes.push(Date.now()),
      onState: (state, reason) => recorded.states.push({ state, reason, at: Date.now() }),
    },
  };
}

const DRIVER_CLOSE_MAIN = resolve(__dirname, '../../../dist-test/test/support/bus-fixture/driver-close.main.js');

describe(SupabaseDriver.name, () => {
  let db: TestDatabase;
  let server: RealtimeTestServer;
  const drivers: SupabaseDriver[] = [];

  const aDriver = (overrides: Partial<ConstructorParameters<typeof SupabaseDriver>[0]> = {}): SupabaseDriver => {
    const driver = new SupabaseDriver({
      url: server.url,
      serviceRoleKey: SERVICE_KEY,
      rpcTimeoutMs: 5_000,
      heartbeatIntervalMs: 1_000,
      joinTimeoutMs: 1_000,
      liveTimeoutMs: 3_000,
      reconnectInitialMs: 50,
      reconnectMaxMs: 500,
      ...overrides,
    });
    drivers.push(driver);
    return driver;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: SERVICE_KEY, anonKey: ANON_KEY });
  });

  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((driver) => driver.close()));
    server.setSubscribeDelay(50);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    expect(server.feedErrors).toEqual([]);
  });

  it('runs a request through the SQL functions with .rpc(): send, claim, complete, take the reply', async () => {
    const driver = aDriver();
    await driver.ping();
    const id = randomUUID();
    const [sent] = await driver.send([
      {
        id,
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        kind: 'request',
        pattern: 'rpc.test',
        sender: 'rpc-caller',
        recipient: 'rpc-worker',
        payload: { n: 1 },
        idempotencyKey: 'once',
      },
    ]);
    expect(sent).toEqual({ id, recipient: 'rpc-worker', idempotencyKey: 'once', duplicate: false, status: 'queued' });

    const [claimed] = await driver.claim('rpc-worker', 'rpc-worker:1', 5, 30_000);
    expect(claimed).toMatchObject({ id, payload: { n: 1 }, attempts: 1, claimedBy: 'rpc-worker:1', status: 'claimed' });
    expect(claimed.leaseUntil).toBeInstanceOf(Date);
    expect(await driver.extend('rpc-worker:1', [{ id, attempt: 1 }], 30_000)).toEqual([id]);
    expect(await driver.complete('rpc-worker:1', [{ id, attempt: 1, reply: { answer: 42 } }])).toEqual([id]);

    const [reply] = await driver.takeReplies('rpc-caller', 10);
    expect(reply).toMatchObject({ kind: 'reply', correlationId: id, payload: { answer: 42 } });
    const [outcome] = await driver.outcome([id]);
    expect(outcome).toMatchObject({ id, status: 'done', result: { answer: 42 } });
    expect(outcome.completedAt).toBeInstanceOf(Date);
  });

  it('fails, releases, publishes and keeps presence through the same functions', async () => {
    const driver = aDriver();
    await driver.subscribe('rpc-events', ['rpc.happened']);
    const [published] = await driver.publish([
      {
        id: randomUUID(),
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        type: 'rpc.happened',
        source: 'rpc-test',
        data: { x: 1 },
      },
    ]);
    expect(published).toMatchObject({ deliveries: 1, duplicate: false });
    const [event] = await driver.claim('rpc-events', 'rpc-events:1', 5, 30_000);
    const failed = await driver.fail('rpc-events:1', {
      id: event.id,
      attempt: 1,
      error: { code: 'BOOM', message: 'try again' },
      retryable: true,
      retryBaseMs: 10,
    });
    expect(failed).toMatchObject({ status: 'queued', attempts: 1 });
    expect(failed?.availableAt).toBeInstanceOf(Date);

    await eventually(() => true, 50, 'the retry to be due').catch(() => undefined);
    await new Promise((done) => setTimeout(done, 50));
    const [again] = await driver.claim('rpc-events', 'rpc-events:2', 5, 30_000);
    expect(again).toMatchObject({ id: event.id, attempts: 2 });
    expect(await driver.release('rpc-events:2', [event.id])).toBe(1);
    expect(await driver.release('rpc-events:2')).toBe(0);

    await driver.heartbeat({
      instanceId: 'rpc-events:1',
      agent: 'rpc-events',
      capabilities: ['x.y'],
      patterns: ['rpc.happened'],
      version: 'test',
      pid: process.pid,
      meta: { a: 1 },
    });
    const { rows } = await db.pool.query<{ capabilities: string[]; meta: unknown }>(
      "select capabilities, meta from agent_instances where instance_id = 'rpc-events:1'",
    );
    expect(rows).toEqual([{ capabilities: ['x.y'], meta: { a: 1 } }]);
    await driver.deregister('rpc-events:1');
    const { rows: gone } = await db.pool.query("select 1 from agent_instances where instance_id = 'rpc-events:1'");
    expect(gone).toEqual([]);
  });

  it('turns a PostgREST error into a SupabaseRpcError with its code and message, never the key', async () => {
    const anon = aDriver({ serviceRoleKey: ANON_KEY });
    const error = (await anon.claim('rpc-worker', 'x', 1, 1_000).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(SupabaseRpcError);
    expect(error).toMatchObject({ fn: 'bus_claim', status: 401, code: '42501' });
    expect(error.message).toMatch(
      /^Supabase rpc bus_claim failed \(HTTP 401, 42501\): permission denied for function bus_claim/,
    );
    expect(error.message).toMatch(/SUPABASE_SERVICE_ROLE_KEY/);
    expect(error.message).not.toContain(ANON_KEY);
    expect(error.stack).not.toContain(ANON_KEY);
  });

  it('explains a missing function as migrations to apply', async () => {
    await db.pool.query('alter function public.bus_ping() rename to bus_ping_renamed');
    try {
      const error = (await aDriver()
        .ping()
        .catch((caught: unknown) => caught)) as SupabaseRpcError;
      expect(error.code).toBe('PGRST202');
      expect(error.message).toMatch(/apply supabase\/migrations \(`supabase db push`\)/);
    } finally {
      await db.pool.query('alter function public.bus_ping_renamed() rename to bus_ping');
    }
  });

  it('gives every call a deadline', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const driver = aDriver({ url, rpcTimeoutMs: 300 });
      const started = Date.now();
      const error = (await driver.ping().catch((caught: unknown) => caught)) as SupabaseRpcError;
      expect(error).toBeInstanceOf(SupabaseRpcError);
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });

  it('reports an unreachable project without the key', async () => {
    const driver = aDriver({ url: 'http://127.0.0.1:9', rpcTimeoutMs: 2_000 });
    const error = (await driver.ping().catch((caught: unknown) => caught)) as SupabaseRpcError;
    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    expect(error.message).not.toContain(SERVICE_KEY);
  });

  it('reports live only on "Subscribed to PostgreSQL", not on the join reply', async () => {
    server.setSubscribeDelay(600);
    const driver = aDriver();
    const seen = recorder();
    const joinsBefore = server.frames.length;
    const stop = await driver.listen('live-order', seen.handlers);

    const reply = await server.waitForFrame(
      (frame) =>
        frame.direction === 'out' &&
        frame.message?.event === 'phx_reply' &&
        frame.message.topic === 'realtime:agent-bus:live-order',
      5_000,
      joinsBefore,
    );
    const system = await server.waitForFrame(
      (frame) =>
        frame.direction === 'out' &&
        frame.message?.event === 'system' &&
        frame.message.topic === 'realtime:agent-bus:live-order',
      5_000,
      joinsBefore,
    );
    expect(seen.states.map((entry) => entry.state)).toEqual(['connecting', 'live']);
    const live = seen.states[1];
    expect(system.at - reply.at).toBeGreaterThanOrEqual(500);
    expect(live.at).toBeGreaterThanOrEqual(system.at);

    const join = server.frames.find(
      (frame) =>
        frame.direction === 'in' &&
        frame.message?.event === 'phx_join' &&
        frame.message.topic === 'realtime:agent-bus:live-order',
    );
    expect(join?.message?.payload).toMatchObject({
      config: {
        postgres_changes: [
          { event: 'INSERT', schema: 'public', table: 'agent_messages', filter: 'recipient=eq.live-order' },
        ],
      },
    });
    await stop();
  });

  it('wakes its recipient on every insert addressed to it, and only then', async () => {
    const driver = aDriver();
    const mine = recorder();
    const other = recorder();
    await driver.listen('wake-me', mine.handlers);
    await driver.listen('not-me', other.handlers);
    await sendBusMessage(db.pool, { recipient: 'wake-me' });
    await sendBusMessage(db.pool, { recipient: 'wake-me' });
    await eventually(() => mine.wakes.length >= 2 || undefined, 5_000, 'two wake-ups');
    await new Promise((done) => setTimeout(done, 200));
    expect(mine.wakes).toHaveLength(2);
    expect(other.wakes).toHaveLength(0);
  });

  it('refuses a second listen for the same recipient', async () => {
    const driver = aDriver();
    await driver.listen('twice', recorder().handlers);
    await expect(driver.listen('twice', recorder().handlers)).rejects.toThrow(/already listens for "twice"/);
  });

  it('leaves no timer and no socket behind when closed: its process ends by itself', async () => {
    const child = spawn(process.execPath, [DRIVER_CLOSE_MAIN], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SUPABASE_URL: server.url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY },
    });
    let output = '';
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!closedAt && output.includes('CLOSED')) closedAt = Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((done, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`the process was still alive 15 s after closing the driver:\n${output}`));
      }, 15_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        done(code);
      });
    });
    expect(exitCode).toBe(0);
    expect(output).toContain('CLOSED ["connecting","live","connecting","live"]');
    expect(Date.now() - closedAt).toBeLessThan(2_000);
    await eventually(() => server.connectionCount === 0 || undefined, 3_000, 'the socket to close');
  });

  it('refuses calls once closed', async () => {
    const driver = aDriver();
    await driver.close();
    await expect(driver.ping()).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    await expect(driver.listen('late', recorder().handlers)).rejects.toMatchObject({ code: 'BUS_CLOSED' });
  });

  it('is the driver busOptionsFor builds for BUS_DRIVER=supabase, from config.supabase', async () => {
    const config = loadConfig('codegen-worker', {
      BUS_DRIVER: 'supabase',
      SUPABASE_URL: server.url,
      SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY,
    });
    const driver = busOptionsFor(config).driver();
    try {
      expect(driver).toBeInstanceOf(SupabaseDriver);
      await driver.ping();
    } finally {
      await driver.close();
    }
  });
});
