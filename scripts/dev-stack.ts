/**
 * `npm start`: the whole system on this machine. Starts an embedded PostgreSQL (data kept in
 * .cogo/pg), applies supabase/migrations, launches every agent as its own Node process with
 * prefixed logs, and prints where to go next. Ctrl-C stops the agents first (they drain while the
 * database is still up), then Postgres; nothing is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';

const ROOT = resolve(__dirname, '..', '..');
const STATE_DIR = resolve(process.env.COGO_STATE_DIR ?? join(ROOT, '.cogo'));
const API_PORT = Number(process.env.PORT ?? 3000);
const STOP_TIMEOUT_MS = 15_000;
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

/** The orchestrator serves the API on PORT; every other agent only health and metrics. */
const portOf = (agent: AgentName): number =>
  agent === 'orchestrator' ? API_PORT : API_PORT + 11 + AGENT_NAMES.indexOf(agent) - 1;

interface RunningAgent {
  readonly agent: AgentName;
  process: ChildProcess;
  restarts: number;
}

const agents = new Map<AgentName, RunningAgent>();
let postgres: EmbeddedPostgres | undefined;
let stopping = false;

function say(line: string): void {
  process.stdout.write(`${useColor ? '\x1b[1m' : ''}[cogo]${useColor ? '\x1b[0m' : ''} ${line}\n`);
}

function prefixLines(agent: AgentName, stream: NodeJS.ReadableStream, target: NodeJS.WriteStream): void {
  const width = Math.max(...AGENT_NAMES.map((name) => name.length));
  const color = useColor ? COLORS[AGENT_NAMES.indexOf(agent) % COLORS.length] : '';
  const reset = useColor ? '\x1b[0m' : '';
  const prefix = `${color}${agent.padEnd(width)} |${reset} `;
  createInterface({ input: stream }).on('line', (line) => target.write(`${prefix}${line}\n`));
}

function launch(agent: AgentName, databaseUrl: string, restarts = 0): RunningAgent {
  const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'dist', 'apps', agent, 'src', 'main.js')], {
    cwd: ROOT,
    // Own process group: a Ctrl-C in the terminal reaches only this launcher, which stops the
    // agents in order. The IPC channel lets an agent notice when the launcher is gone.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      ...(useColor ? {} : { NO_COLOR: '1' }),
      APP_MODE: process.env.APP_MODE ?? 'development',
      BUS_DRIVER: 'postgres',
      DATABASE_URL: databaseUrl,
      PORT: String(portOf(agent)),
      ARTIFACTS_BASE: process.env.ARTIFACTS_BASE ?? join(STATE_DIR, 'artifacts'),
    },
  });
  const running: RunningAgent = { agent, process: child, restarts };
  prefixLines(agent, child.stdout!, process.stdout);
  prefixLines(agent, child.stderr!, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const reason = signal ? `signal ${signal}` : `code ${String(code)}`;
    if (running.restarts >= 3) {
      say(`${agent} exited (${reason}) and has been restarted 3 times; leaving it stopped. Its log is above.`);
      return;
    }
    say(`${agent} exited (${reason}); restarting it in 1 s`);
    setTimeout(() => {
      if (!stopping) agents.set(agent, launch(agent, databaseUrl, running.restarts + 1));
    }, 1_000);
  });
  return running;
}

async function waitForHealth(agent: AgentName, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${portOf(agent)}/health/live`, {
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

async function stopAgent(running: RunningAgent): Promise<void> {
  const child = running.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((done) => (timer = setTimeout(() => done(true), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    say(`${running.agent} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
    child.kill('SIGKILL');
    await exited;
  }
}

async function shutdown(exitCode: number): Promise<never> {
  if (stopping) {
    // A second Ctrl-C: stop waiting.
    for (const running of agents.values()) running.process.kill('SIGKILL');
    await postgres?.stop(2_000);
    process.exit(exitCode || 130);
  }
  stopping = true;
  say('stopping agents…');
  await Promise.all([...agents.values()].map(stopAgent));
  if (postgres) {
    say('stopping Postgres…');
    await postgres.stop();
  }
  say('stopped.');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  mkdirSync(STATE_DIR, { recursive: true });

  const startedAt = Date.now();
  say(`starting embedded PostgreSQL (data in ${join(STATE_DIR, 'pg')})…`);
  postgres = await EmbeddedPostgres.start({ dataDir: join(STATE_DIR, 'pg'), port: 54329 });
  const databaseUrl = postgres.url();
  const pool = createPgPool({ connectionString: databaseUrl, max: 1, applicationName: 'cogo-dev-stack' });
  try {
    const result = await runMigrations(pool, {
      directory: join(ROOT, 'supabase', 'migrations'),
      log: (line) => say(line),
    });
    say(
      `Postgres ${postgres.port} ready; ${result.applied.length} migration(s) applied, ${result.alreadyApplied} already in place`,
    );
  } finally {
    await pool.end();
  }

  for (const agent of AGENT_NAMES) agents.set(agent, launch(agent, databaseUrl));
  const healthy = await Promise.all(AGENT_NAMES.map((agent) => waitForHealth(agent, 30_000)));
  if (stopping) return;
  const late = AGENT_NAMES.filter((_, index) => !healthy[index]);
  if (late.length > 0) say(`not answering /health/live yet: ${late.join(', ')} (see their logs above)`);

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const maskedUrl = databaseUrl.replace(/:[^:@/]+@/, ':***@');
  say(`cogo-agent-core is up in ${seconds} s`);
  say(`  API (orchestrator):  http://localhost:${API_PORT}`);
  for (const agent of AGENT_NAMES.filter((name) => name !== 'orchestrator')) {
    say(`  ${agent.padEnd(20)} http://localhost:${portOf(agent)}/health`);
  }
  say(`  Postgres:            ${maskedUrl} (password in .cogo/pg.credentials.json)`);
  say('Try next:');
  say(`  curl http://localhost:${API_PORT}/health`);
  say(
    '  see who is on the bus: psql the URL above, then  select agent, instance_id, heartbeat_at from agent_instances;',
  );
  say('Ctrl-C stops everything.');
}

main().catch(async (error: unknown) => {
  process.stderr.write(`[cogo] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
