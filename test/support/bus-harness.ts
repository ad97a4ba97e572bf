import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Pool } from 'pg';
import { BusClient, BusModule } from '@cogo/bus';
import { createPgPool } from '@cogo/store';
import { fixtureDriver } from './bus-fixture/fixture-driver';
import type { FixtureExecution } from './bus-fixture/fixture.dto';
import { EXECUTED } from './bus-fixture/fixture.handlers';
import { waitFor } from './process-tools';
import { type PhoenixMessage, RealtimeTestServer, closeSupabaseTestClient, createSupabaseTestClient } from './realtime';
import { type TestDatabase, createTestDatabase } from './test-database';

const FIXTURE_MAIN = resolve(__dirname, '../../dist-test/test/support/bus-fixture/fixture-worker.main.js');

/**
 * Which backend a bus test runs against:
 * - `postgres`: the Postgres driver on a clone of the migrated template (embedded Postgres);
 * - `supabase`: the Supabase driver on the Realtime + PostgREST test server over such a clone;
 * - `live`: the Supabase driver on the real project named by SUPABASE_URL and
 *   SUPABASE_SERVICE_ROLE_KEY (no database access, no fault injection; names carry a run prefix).
 */
export type BusTestDriver = 'postgres' | 'supabase' | 'live';

/** Realtime timings for the test server: failures are noticed in seconds, not tens of seconds. */
const FAST_REALTIME_ENV = {
  SUPABASE_RPC_TIMEOUT_MS: '15000',
  SUPABASE_HEARTBEAT_MS: '2000',
  SUPABASE_JOIN_TIMEOUT_MS: '2000',
  SUPABASE_LIVE_TIMEOUT_MS: '4000',
  SUPABASE_RECONNECT_INITIAL_MS: '50',
  SUPABASE_RECONNECT_MAX_MS: '1000',
} as const;

/** A row of `agent_messages` as the tests read it, whichever way it was read. */
export interface LedgerMessage {
  readonly id: string;
  readonly kind: 'request' | 'reply' | 'event';
  readonly status: string;
  readonly attempts: number;
  readonly claimed_by: string | null;
  readonly pattern: string;
  readonly sender: string;
  readonly recipient: string;
  readonly correlation_id: string | null;
  readonly payload: unknown;
  readonly headers: Record<string, string>;
  readonly error: { code: string; message: string } | null;
  readonly deadline_at: Date | null;
  readonly claimed_at: Date | null;
  readonly created_at: Date;
  readonly trace_id: string;
}

/** A row of `bus_events`. */
export interface LedgerEvent {
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
}

export interface FixtureWorker {
  readonly instanceId: string;
  readonly process: ChildProcess;
  output: string;
  /** SIGTERM and wait for the graceful stop to finish. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing released. */
  kill(): Promise<void>;
}

export interface TestCaller {
  readonly client: BusClient;
  readonly app: INestApplicationContext;
  readonly instanceId: string;
  close(): Promise<void>;
}

export interface CallerOptions {
  readonly instanceId?: string;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
}

export interface BusTestBedOptions {
  /** A migrated database to use instead of a fresh clone of the template; it is not dropped. */
  readonly databaseUrl?: string;
  /** `live` only: the project, instead of SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY. */
  readonly project?: { readonly url: string; readonly serviceRoleKey: string };
}

const MESSAGE_COLUMNS =
  'id, kind, status, attempts, claimed_by, pattern, sender, recipient, correlation_id, payload, headers, error, deadline_at, claimed_at, created_at, trace_id';

/**
 * Everything a bus test needs on one backend: fixture workers (real processes), callers (a Nest
 * context with the bus module, in the test process), the executions the workers printed, and the
 * rows of `agent_messages` and `bus_events`. Tests written against it run unchanged on every
 * driver; `close()` stops what it started.
 */
export class BusTestBed {
  private readonly workers: FixtureWorker[] = [];
  private readonly callers: TestCaller[] = [];

  private constructor(
    readonly driver: BusTestDriver,
    /** Prefix of every name on the bus in a live run, so runs never see each other's rows. */
    private readonly run: string,
    /** What a fixture process (and a caller's driver) reads to build its driver. */
    private readonly driverEnv: Readonly<Record<string, string>>,
    private readonly ledger: Ledger,
    private readonly resources: { database?: TestDatabase; realtime?: RealtimeTestServer },
  ) {}

  static async create(driver: BusTestDriver, options: BusTestBedOptions = {}): Promise<BusTestBed> {
    if (driver === 'live') return BusTestBed.live(options.project);
    const database = options.databaseUrl === undefined ? await createTestDatabase({ poolSize: 4 }) : undefined;
    const databaseUrl = options.databaseUrl ?? database!.url;
    const pool = database?.pool ?? createPgPool({ connectionString: databaseUrl, max: 2 });
    const ledger = new SqlLedger(pool, database ? undefined : pool);
    if (driver === 'postgres') {
      return new BusTestBed(driver, '', { BUS_DRIVER: 'postgres', DATABASE_URL: databaseUrl }, ledger, { database });
    }
    const serviceRoleKey = `sb_secret_${randomBytes(16).toString('hex')}`;
    const realtime = await RealtimeTestServer.start({ databaseUrl, serviceRoleKey });
    const env = {
      BUS_DRIVER: 'supabase',
      SUPABASE_URL: realtime.url,
      SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
      ...FAST_REALTIME_ENV,
    };
    return new BusTestBed(driver, '', env, ledger, { database, realtime });
  }

  private static live(project?: BusTestBedOptions['project']): BusTestBed {
    const url = project?.url ?? process.env.SUPABASE_URL;
    const serviceRoleKey = project?.serviceRoleKey ?? process.env.SUPABASE_SERVICE_ROLE_KEY;
    if (!url || !serviceRoleKey) {
      throw new Error(
        'A live bus test needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (run it with npm run test:live).',
      );
    }
    const run = `live-${randomBytes(3).toString('hex')}`;
    const ledger = new RestLedger(createSupabaseTestClient(url, serviceRoleKey), run);
    return new BusTestBed(
      'live',
      run,
      { BUS_DRIVER: 'supabase', SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey },
      ledger,
      {},
    );
  }

  /** A name on the bus: as given locally, with the run prefix in a live run. */
  name(base: string): string {
    return this.run ? `${this.run}-${base}` : base;
  }

  /** The consumer group of the fixture workers. */
  get group(): string {
    return this.name('fixture');
  }

  /** The instance id of the fixture worker called `name`. */
  instance(name: string): string {
    return `${this.group}:${name}`;
  }

  /** Routes of the fixture group, as an agent would configure them. */
  get routes(): Record<string, string> {
    return { 'fixture.*': this.group };
  }

  /** The Realtime test server (supabase only), for fault injection. */
  get realtime(): RealtimeTestServer {
    if (!this.resources.realtime) throw new Error(`The ${this.driver} test bed has no Realtime test server.`);
    return this.resources.realtime;
  }

  /** Starts the fixture worker (compiled by the global setup) as a real Node process. */
  async startWorker(name: string, env: Record<string, string> = {}): Promise<FixtureWorker> {
    const instanceId = this.instance(name);
    const child = spawn(process.execPath, ['--enable-source-maps', FIXTURE_MAIN], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.driverEnv, GROUP: this.group, INSTANCE_ID: instanceId, ...env },
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const worker: FixtureWorker = {
      instanceId,
      process: child,
      output: '',
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        await exited;
      },
      async kill() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGKILL');
        await exited;
      },
    };
    this.workers.push(worker);
    child.stdout.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`fixture worker exited early:\n${worker.output}`);
        return worker.output.includes('READY') ? true : undefined;
      },
      `fixture worker ${instanceId} to be ready`,
      30_000,
    );
    return worker;
  }

  /** The calling side in the test process: a Nest context with the bus module, as an agent has. */
  async createCaller(options: CallerOptions = {}): Promise<TestCaller> {
    const instanceId = options.instanceId ?? `${this.name('caller')}:${randomBytes(4).toString('hex')}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        BusModule.forRoot({
          agent: this.name('caller'),
          instanceId,
          version: 'test',
          routes: this.routes,
          client: { timeoutMs: options.timeoutMs ?? 20_000, pollIntervalMs: options.pollIntervalMs ?? 1_000 },
          driver: () => fixtureDriver(this.driverEnv, instanceId),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const client = app.get(BusClient);
    await client.connect();
    const caller: TestCaller = { client, app, instanceId, close: () => app.close() };
    this.callers.push(caller);
    return caller;
  }

  /** Every handler effect the workers of this bed printed, in order. */
  async executions(): Promise<FixtureExecution[]> {
    // Lines written before a reply was sent may still sit in the pipe for one loop turn.
    await new Promise((done) => setImmediate(done));
    return this.workers.flatMap((worker) =>
      worker.output
        .split('\n')
        .filter((line) => line.startsWith(EXECUTED))
        .map((line) => JSON.parse(line.slice(EXECUTED.length)) as FixtureExecution),
    );
  }

  /** Executions of one payload key. */
  async executionsOf(key: string): Promise<FixtureExecution[]> {
    return (await this.executions()).filter((execution) => execution.key === key);
  }

  /** Every row of `agent_messages` this bed's names sent or received, oldest first. */
  messages(): Promise<LedgerMessage[]> {
    return this.ledger.messages();
  }

  /** The requests among them. */
  async requests(): Promise<LedgerMessage[]> {
    return (await this.messages()).filter((message) => message.kind === 'request');
  }

  /** `{status: count}` of the rows of one kind. */
  async statusesOf(kind: LedgerMessage['kind']): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const message of await this.messages()) {
      if (message.kind === kind) counts[message.status] = (counts[message.status] ?? 0) + 1;
    }
    return counts;
  }

  /** Rows of `bus_events` of one type published by this bed's callers. */
  events(type: string): Promise<LedgerEvent[]> {
    return this.ledger.events(type, this.name('caller'));
  }

  /**
   * Notes which wake-up connections are live now (LISTEN sessions, or Realtime channels that got
   * "Subscribed to PostgreSQL"). Resolves with a function that waits until every one of them has
   * been replaced by a new, live one.
   */
  async watchWakeups(): Promise<() => Promise<void>> {
    if (this.driver === 'postgres') {
      const pool = this.ledger.sqlPool();
      const listening = async (): Promise<number[]> => {
        const { rows } = await pool.query<{ pid: number }>(
          "select pid from pg_stat_activity where datname = current_database() and application_name like '%:listen'",
        );
        return rows.map((row) => row.pid);
      };
      const before = await listening();
      if (before.length === 0) throw new Error('no LISTEN connection to watch');
      return async () => {
        await waitFor(
          async () => {
            const pids = await listening().catch(() => []);
            return pids.length === before.length && pids.every((pid) => !before.includes(pid)) ? true : undefined;
          },
          'every LISTEN connection to come back',
          30_000,
        );
      };
    }
    const realtime = this.realtime;
    const liveTopics = (from: number): Set<string> =>
      new Set(
        realtime.frames
          .slice(from)
          .filter((frame) => frame.direction === 'out' && isSubscribedToPostgres(frame.message))
          .map((frame) => frame.message!.topic),
      );
    const before = liveTopics(0);
    if (before.size === 0) throw new Error('no live Realtime channel to watch');
    const from = realtime.frames.length;
    return async () => {
      await waitFor(
        () => {
          const relive = liveTopics(from);
          return [...before].every((topic) => relive.has(topic)) ? true : undefined;
        },
        `every channel (${[...before].join(', ')}) to be live again`,
        30_000,
      );
    };
  }

  /**
   * Cuts every wake-up connection (terminates the LISTEN sessions, or drops the Realtime sockets)
   * without touching the calls. Resolves with a function that waits until all are back and live.
   */
  async severWakeups(): Promise<() => Promise<void>> {
    const restored = await this.watchWakeups();
    if (this.driver === 'postgres') {
      await this.ledger
        .sqlPool()
        .query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name like '%:listen'",
        );
    } else {
      this.realtime.dropSockets();
    }
    return restored;
  }

  /** Stops callers and workers, then the test server, and drops the database it made. */
  async close(): Promise<void> {
    await Promise.all(this.callers.splice(0).map((caller) => caller.close()));
    await Promise.all(this.workers.splice(0).map((worker) => worker.stop()));
    if (this.driver === 'live') await this.ledger.forgetGroup(this.group, ['fixture.happened']);
    await this.ledger.close();
    await this.resources.realtime?.stop();
    await this.resources.database?.drop();
  }
}

function isSubscribedToPostgres(message: PhoenixMessage | null): boolean {
  return (
    message?.event === 'system' && message.payload.extension === 'postgres_changes' && message.payload.status === 'ok'
  );
}

/** How a bed reads the tables: SQL on the test database, or the Data API of a live project. */
interface Ledger {
  messages(): Promise<LedgerMessage[]>;
  events(type: string, source: string): Promise<LedgerEvent[]>;
  /** For Postgres-specific faults. */
  sqlPool(): Pool;
  /** Stops fanning events out to a group that is gone (live runs leave no subscription behind). */
  forgetGroup(group: string, patterns: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

class SqlLedger implements Ledger {
  constructor(
    private readonly pool: Pool,
    /** A pool this ledger opened itself and must close. */
    private readonly owned?: Pool,
  ) {}

  async messages(): Promise<LedgerMessage[]> {
    const { rows } = await this.pool.query<LedgerMessage>(
      `select ${MESSAGE_COLUMNS} from agent_messages order by created_at, id`,
    );
    return rows;
  }

  async events(type: string, source: string): Promise<LedgerEvent[]> {
    const { rows } = await this.pool.query<LedgerEvent>(
      'select type, source, data from bus_events where type = $1 and source = $2 order by created_at',
      [type, source],
    );
    return rows;
  }

  sqlPool(): Pool {
    return this.pool;
  }

  async forgetGroup(): Promise<void> {
    // A test database is dropped with everything in it.
  }

  async close(): Promise<void> {
    await this.owned?.end();
  }
}

/** Reads through PostgREST with the service-role key; every name of the run starts with `run`. */
class RestLedger implements Ledger {
  private static readonly PAGE = 500;

  constructor(
    private readonly supabase: SupabaseClient,
    private readonly run: string,
  ) {}

  async messages(): Promise<LedgerMessage[]> {
    const rows: Array<Record<string, unknown>> = [];
    for (let from = 0; ; from += RestLedger.PAGE) {
      const { data, error } = await this.supabase
        .from('agent_messages')
        .select(MESSAGE_COLUMNS.replace(/ /g, ''))
        .like('recipient', `${this.run}-*`)
        .order('created_at')
        .order('id')
        .range(from, from + RestLedger.PAGE - 1)
        .abortSignal(AbortSignal.timeout(15_000));
      if (error) throw new Error(`reading agent_messages failed: ${error.code} ${error.message}`);
      const page = data as unknown as Array<Record<string, unknown>>;
      rows.push(...page);
      if (page.length < RestLedger.PAGE) break;
    }
    return rows.map((row) => ({
      ...(row as unknown as LedgerMessage),
      deadline_at: row.deadline_at ? new Date(row.deadline_at as string) : null,
      claimed_at: row.claimed_at ? new Date(row.claimed_at as string) : null,
      created_at: new Date(row.created_at as string),
    }));
  }

  async events(type: string, source: string): Promise<LedgerEvent[]> {
    const { data, error } = await this.supabase
      .from('bus_events')
      .select('type,source,data')
      .eq('type', type)
      .eq('source', source)
      .order('created_at')
      .abortSignal(AbortSignal.timeout(15_000));
    if (error) throw new Error(`reading bus_events failed: ${error.code} ${error.message}`);
    return data;
  }

  sqlPool(): Pool {
    throw new Error('A live run has no database connection.');
  }

  async forgetGroup(group: string, patterns: readonly string[]): Promise<void> {
    const { error } = await this.supabase
      .rpc('bus_unsubscribe', { p_group: group, p_patterns: [...patterns] })
      .abortSignal(AbortSignal.timeout(15_000));
    if (error) throw new Error(`unsubscribing ${group} failed: ${error.code} ${error.message}`);
  }

  async close(): Promise<void> {
    await closeSupabaseTestClient(this.supabase);
  }
}
