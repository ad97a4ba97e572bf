/**
 * `npm start`: the whole system on this machine. Starts an embedded PostgreSQL (data kept in
 * .cogo/pg), applies supabase/migrations, launches every agent as its own Node process with
 * prefixed logs, and prints where to go next. Ctrl-C stops the agents first (they drain while the
 * database is still up), then Postgres; nothing is left running.
 *
 * The agents log JSON. In a terminal each line is shown as time, level, context, message and short
 * trace id; piped (`npm start | cat`, a log collector, the tests) the JSON passes through as is.
 */
import { join, resolve } from 'node:path';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { formatLogLine } from '@cogo/tracing';
import { LocalStack, ROOT } from './support/local-stack';

const STATE_DIR = resolve(process.env.COGO_STATE_DIR ?? join(ROOT, '.cogo'));
const API_PORT = Number(process.env.PORT ?? 3000);
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const humanReadable = process.stdout.isTTY;
const WIDTH = Math.max(...AGENT_NAMES.map((name) => name.length));

let stack: LocalStack | undefined;
let stopping = false;

function say(line: string): void {
  process.stdout.write(`${useColor ? '\x1b[1m' : ''}[cogo]${useColor ? '\x1b[0m' : ''} ${line}\n`);
}

function printAgentLine(agent: AgentName, line: string, stream: 'stdout' | 'stderr'): void {
  const color = useColor ? COLORS[AGENT_NAMES.indexOf(agent) % COLORS.length] : '';
  const reset = useColor ? '\x1b[0m' : '';
  const text = humanReadable ? formatLogLine(line, { color: useColor }) : line;
  const prefix = `${color}${agent.padEnd(WIDTH)} |${reset} `;
  (stream === 'stderr' ? process.stderr : process.stdout).write(
    text
      .split('\n')
      .map((part) => prefix + part)
      .join('\n') + '\n',
  );
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: stop waiting.
    await stack?.kill();
    process.exit(exitCode || 130);
  }
  stopping = true;
  say('stopping agents, then Postgres…');
  await stack?.stop();
  say('stopped.');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const startedAt = Date.now();
  stack = await LocalStack.start({
    stateDir: STATE_DIR,
    apiPort: API_PORT,
    postgresPort: 54329,
    restartCrashed: true,
    env: useColor ? {} : { NO_COLOR: '1' },
    onLog: (source, line, stream) => (source === 'stack' ? say(line) : printAgentLine(source, line, stream)),
  });
  if (stopping) return;
  say(
    `Postgres ${stack.postgresPort} ready; ${stack.migrations.applied.length} migration(s) applied, ${stack.migrations.alreadyApplied} already in place`,
  );
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  say(`cogo-agent-core is up in ${seconds} s`);
  say(`  API (orchestrator):  http://localhost:${API_PORT}`);
  say(`  viewer (browser):    http://localhost:${API_PORT}/dev   (the bus live; every trace as a waterfall)`);
  for (const agent of AGENT_NAMES.filter((name) => name !== 'orchestrator')) {
    say(`  ${agent.padEnd(20)} http://localhost:${stack.portOf(agent)}/health`);
  }
  say(
    `  Postgres:            ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')} (password in ${join(STATE_DIR, 'pg.credentials.json')})`,
  );
  say('Try next:');
  say(`  curl http://localhost:${API_PORT}/health`);
  say(`  curl http://localhost:${API_PORT}/api/workflows/templates`);
  say('  the README\'s "First run" section generates, builds and tests a module with one curl');
  say(`  open http://localhost:${API_PORT}/dev, or the trace_url of any answer that starts a flow`);
  say('Ctrl-C stops everything.');
}

main().catch(async (error: unknown) => {
  process.stderr.write(`[cogo] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
