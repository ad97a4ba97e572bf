/**
 * The whole system on this machine, as a library: an embedded PostgreSQL (or a database given),
 * the migrations, and every agent as its own Node process. Used by `npm start`, the smoke checks,
 * the acceptance gates, the soak and the end-to-end tests, so they all run the same stack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';

/** The repository root, whether this runs compiled (dist/scripts/support) or from source (scripts/support). */
export const ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'supabase', 'migrations')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dir === dirname(dir)) throw new Error(`cannot find the repository root above ${start}`);
  }
}

export interface LocalStackOptions {
  /** Where the embedded Postgres keeps its data (`<stateDir>/pg`) and artifacts go. */
  readonly stateDir: string;
  /** The orchestrator's HTTP port; the other agents use apiPort + 11 … + 14. */
  readonly apiPort: number;
  /** An existing database instead of starting an embedded one (it is migrated all the same). */
  readonly databaseUrl?: string;
  /** Preferred port of the embedded Postgres. */
  readonly postgresPort?: number;
  /** Extra settings for the embedded Postgres (`-c key=value`). */
  readonly postgresSettings?: Readonly<Record<string, string>>;
  readonly agents?: readonly AgentName[];
  /** Extra environment for every agent. */
  readonly env?: Readonly<Record<string, string>>;
  /** Restart an agent that exits unexpectedly (up to 3 times). */
  readonly restartCrashed?: boolean;
  readonly onLog?: (agent: AgentName | 'stack', line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunningAgent {
  readonly agent: AgentName;
  readonly process: ChildProcess;
  readonly port: number;
}

const STOP_TIMEOUT_MS = 15_000;

export class LocalStack {
  private readonly running = new Map<AgentName, RunningAgent>();
  private readonly restarts = new Map<AgentName, number>();
  private stopping = false;

  private constructor(
    private readonly options: LocalStackOptions,
    readonly databaseUrl: string,
    private readonly postgres: EmbeddedPostgres | undefined,
    readonly migrations: { applied: readonly string[]; alreadyApplied: number },
  ) {}

  /** Starts Postgres (unless given), migrates, and launches the agents; resolves when all answer /health/live. */
  static async start(options: LocalStackOptions): Promise<LocalStack> {
    mkdirSync(options.stateDir, { recursive: true });
    const log = (line: string): void => options.onLog?.('stack', line, 'stdout');
    let postgres: EmbeddedPostgres | undefined;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      log(`starting embedded PostgreSQL (data in ${join(options.stateDir, 'pg')})…`);
      postgres = await EmbeddedPostgres.start({
        dataDir: join(options.stateDir, 'pg'),
        port: options.postgresPort,
        settings: options.postgresSettings,
      });
      databaseUrl = postgres.url();
    }
    const pool = createPgPool({ connectionString: databaseUrl, max: 1, applicationName: 'cogo-stack' });
    let migrations: { applied: readonly string[]; alreadyApplied: number };
    try {
      migrations = await runMigrations(pool, { directory: join(ROOT, 'supabase', 'migrations'), log });
    } catch (error) {
      await postgres?.stop();
      throw error;
    } finally {
      await pool.end();
    }
    const stack = new LocalStack(options, databaseUrl, postgres, migrations);
    for (const agent of options.agents ?? AGENT_NAMES) stack.launch(agent);
    const late = await stack.waitUntilLive(options.agents ?? AGENT_NAMES, 45_000);
    if (late.length > 0) log(`not answering /health/live yet: ${late.join(', ')}`);
    return stack;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.options.apiPort}`;
  }

  get postgresPort(): number | undefined {
    return this.postgres?.port;
  }

  get postgresServer(): EmbeddedPostgres | undefined {
    return this.postgres;
  }

  portOf(agent: AgentName): number {
    return agent === 'orchestrator' ? this.options.apiPort : this.options.apiPort + 10 + AGENT_NAMES.indexOf(agent);
  }

  agent(agent: AgentName): RunningAgent | undefined {
    return this.running.get(agent);
  }

  /** Starts (or starts again) one agent process. */
  launch(agent: AgentName): RunningAgent {
    const port = this.portOf(agent);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', join(ROOT, 'dist', 'apps', agent, 'src', 'main.js')],
      {
        cwd: ROOT,
        // Own process group: a Ctrl-C in the terminal reaches only the launcher, which stops the
        // agents in order. The IPC channel lets an agent notice when the launcher is gone.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: {
          ...process.env,
          APP_MODE: process.env.APP_MODE ?? 'development',
          ...this.options.env,
          BUS_DRIVER: 'postgres',
          DATABASE_URL: this.databaseUrl,
          PORT: String(port),
          ARTIFACTS_BASE:
            this.options.env?.ARTIFACTS_BASE ?? process.env.ARTIFACTS_BASE ?? join(this.options.stateDir, 'artifacts'),
        },
      },
    );
    const running: RunningAgent = { agent, process: child, port };
    this.running.set(agent, running);
    const forward = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void => {
      createInterface({ input: stream }).on('line', (line) => this.options.onLog?.(agent, line, name));
    };
    forward(child.stdout!, 'stdout');
    forward(child.stderr!, 'stderr');
    child.on('exit', (code, signal) => {
      if (this.stopping || this.running.get(agent) !== running) return;
      const reason = signal ? `signal ${signal}` : `code ${String(code)}`;
      const restarts = this.restarts.get(agent) ?? 0;
      if (!this.options.restartCrashed || restarts >= 3) {
        this.options.onLog?.('stack', `${agent} exited (${reason})`, 'stderr');
        return;
      }
      this.restarts.set(agent, restarts + 1);
      this.options.onLog?.('stack', `${agent} exited (${reason}); restarting it in 1 s`, 'stderr');
      setTimeout(() => {
        if (!this.stopping && this.running.get(agent) === running) this.launch(agent);
      }, 1_000);
    });
    return running;
  }

  /** Names of the agents that did not answer /health/live in time. */
  async waitUntilLive(agents: readonly AgentName[], timeoutMs: number): Promise<AgentName[]> {
    const results = await Promise.all(agents.map((agent) => this.waitForHealth(agent, timeoutMs)));
    return agents.filter((_, index) => !results[index]);
  }

  /** SIGTERM (graceful) or SIGKILL (a crash) one agent, and wait until it is gone. */
  async stopAgent(agent: AgentName, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const running = this.running.get(agent);
    if (!running) return;
    this.running.delete(agent);
    await terminate(running.process, signal);
  }

  /** Stops the agents first (they drain while the database is still up), then Postgres. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await Promise.all([...this.running.values()].map((running) => terminate(running.process, 'SIGTERM')));
    this.running.clear();
    await this.postgres?.stop();
  }

  /** Kills everything at once (a second Ctrl-C). */
  async kill(): Promise<void> {
    this.stopping = true;
    for (const running of this.running.values()) running.process.kill('SIGKILL');
    await this.postgres?.stop(2_000);
  }

  private async waitForHealth(agent: AgentName, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopping) {
      try {
        const response = await fetch(`http://127.0.0.1:${this.portOf(agent)}/health/live`, {
          signal: AbortSignal.timeout(1_000),
        });
        if (response.ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    return false;
  }
}

async function terminate(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((done) => (timer = setTimeout(() => done(true), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
