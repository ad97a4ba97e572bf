/**
 * The soak's chaos driver: injects one fault at a time into a running LocalStack, on a seeded
 * random schedule, and counts what it injected. A fault is counted once it has happened and the
 * system has been given back what it lost (the agent relaunched and live, Postgres accepting
 * connections again), so the next fault never lands on a half-recovered stack by accident.
 *
 * - `kill_worker` / `kill_orchestrator`: SIGKILL an agent mid-work (no drain, no release: its
 *   leases must expire), then launch a new process of it.
 * - `terminate_listen`: `pg_terminate_backend` of every agent's and client's LISTEN session
 *   (application_name `<instance>:listen`); notifications sent until they reconnect are gone.
 * - `restart_postgres`: fast shutdown of the embedded Postgres, a pause, and a start on the same
 *   data directory and port; every connection of every process breaks.
 */
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { EmbeddedPostgres } from '@cogo/store';
import { Client } from 'pg';
import type { LocalStack } from './local-stack';

export const FAULT_KINDS = ['kill_worker', 'kill_orchestrator', 'terminate_listen', 'restart_postgres'] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultCounts = Record<FaultKind, number>;

/** How often each kind is drawn once every kind has happened once. */
const FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  kill_worker: 45,
  kill_orchestrator: 10,
  terminate_listen: 25,
  restart_postgres: 20,
};

const WORKERS: readonly AgentName[] = AGENT_NAMES.filter((agent) => agent !== 'orchestrator');

/** A small seeded generator (mulberry32): the same seed gives the same schedule and workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Postgres of a stack, which the driver replaces with a new process on every restart. */
export class PostgresHandle {
  private server: EmbeddedPostgres;

  constructor(
    server: EmbeddedPostgres,
    private readonly settings: Readonly<Record<string, string>>,
  ) {
    this.server = server;
  }

  get current(): EmbeddedPostgres {
    return this.server;
  }

  /** Fast shutdown, a pause, a start on the same data directory and port. */
  async restart(downMs: number): Promise<void> {
    const { dataDir, port } = this.server;
    await this.server.stop();
    await sleep(downMs);
    this.server = await EmbeddedPostgres.start({ dataDir, port, settings: this.settings, startTimeoutMs: 60_000 });
    if (this.server.port !== port) {
      throw new Error(`Postgres came back on port ${this.server.port} instead of ${port}; the agents cannot follow`);
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

export interface ChaosOptions {
  readonly stack: LocalStack;
  readonly postgres: PostgresHandle;
  readonly databaseUrl: string;
  readonly seed: number;
  /** Pause between the end of one fault and the start of the next, drawn in [min, max]. */
  readonly gapMs: readonly [number, number];
  readonly log: (line: string) => void;
}

/** Injects faults one after the other until stopped; `counts` says what happened so far. */
export class ChaosDriver {
  readonly counts: FaultCounts = { kill_worker: 0, kill_orchestrator: 0, terminate_listen: 0, restart_postgres: 0 };
  private readonly random: () => number;
  private readonly firstRound: FaultKind[];
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;

  constructor(private readonly options: ChaosOptions) {
    this.random = seededRandom(options.seed ^ 0x5eed);
    // Every kind once, in a seeded order, before the weighted draw takes over.
    this.firstRound = shuffle([...FAULT_KINDS], this.random);
  }

  get total(): number {
    return FAULT_KINDS.reduce((sum, kind) => sum + this.counts[kind], 0);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the fault in progress has recovered. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const [min, max] = this.options.gapMs;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, min + this.random() * (max - min));
        this.wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      if (this.stopping) return;
      await this.inject(this.nextKind());
    }
  }

  private nextKind(): FaultKind {
    const first = this.firstRound.shift();
    if (first) return first;
    const total = FAULT_KINDS.reduce((sum, kind) => sum + FAULT_WEIGHTS[kind], 0);
    let draw = this.random() * total;
    for (const kind of FAULT_KINDS) {
      draw -= FAULT_WEIGHTS[kind];
      if (draw < 0) return kind;
    }
    return 'kill_worker';
  }

  private async inject(kind: FaultKind): Promise<void> {
    const started = Date.now();
    let what: string;
    try {
      switch (kind) {
        case 'kill_worker':
          what = await this.killAndRelaunch(WORKERS[Math.floor(this.random() * WORKERS.length)]);
          break;
        case 'kill_orchestrator':
          what = await this.killAndRelaunch('orchestrator');
          break;
        case 'terminate_listen':
          what = await this.terminateListeners();
          break;
        case 'restart_postgres':
          what = await this.restartPostgres();
          break;
      }
    } catch (error) {
      this.options.log(`chaos: ${kind} failed to inject: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.counts[kind] += 1;
    this.options.log(`chaos #${this.total}: ${what} (recovered in ${Date.now() - started} ms)`);
  }

  private async killAndRelaunch(agent: AgentName): Promise<string> {
    const { stack } = this.options;
    const pid = stack.agent(agent)?.process.pid;
    await stack.stopAgent(agent, 'SIGKILL');
    stack.launch(agent);
    const late = await stack.waitUntilLive([agent], 60_000);
    if (late.length > 0) throw new Error(`${agent} did not come back within 60 s`);
    return `SIGKILL ${agent} (pid ${String(pid)}), relaunched`;
  }

  private async terminateListeners(): Promise<string> {
    const client = new Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const result = await client.query<{ terminated: boolean }>(
        `select pg_terminate_backend(pid) as terminated from pg_stat_activity
          where datname = current_database() and application_name like '%:listen'`,
      );
      return `pg_terminate_backend of ${result.rows.filter((row) => row.terminated).length} LISTEN session(s)`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async restartPostgres(): Promise<string> {
    const downMs = 500 + Math.floor(this.random() * 2_500);
    await this.options.postgres.restart(downMs);
    return `Postgres restarted (down ${downMs} ms)`;
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
