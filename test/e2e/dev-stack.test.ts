import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { freePortBlock, isRunning, processGroupMembers, waitFor } from '../support/process-tools';

const ROOT = resolve(__dirname, '../..');
const AGENTS = ['orchestrator', 'executor-dispatcher', 'codegen-worker', 'build-test-worker', 'indexing-worker'];

interface Stack {
  readonly child: ChildProcess;
  output: string;
  readonly startedAt: number;
}

/** `npm start` as a person runs it: its own process group, as a terminal's foreground job. */
function npmStart(stateDir: string, port: number): Stack {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COGO_STATE_DIR: stateDir, PORT: String(port), NO_COLOR: '1' },
  });
  const stack: Stack = { child, output: '', startedAt: Date.now() };
  child.stdout.on('data', (chunk: Buffer) => (stack.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stack.output += chunk.toString()));
  return stack;
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground group. */
async function pressCtrlC(stack: Stack): Promise<void> {
  const pgid = stack.child.pid!;
  process.kill(-pgid, 'SIGINT');
  await waitFor(() => (processGroupMembers(pgid).length === 0 ? true : undefined), 'npm start to exit', 30_000);
}

function postgresPid(stateDir: string): number {
  return Number(readFileSync(join(stateDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function queryStack<T>(stateDir: string, output: string, sql: string): Promise<T[]> {
  const port = Number(/Postgres (\d+) ready/.exec(output)?.[1]);
  const { user, password } = JSON.parse(readFileSync(join(stateDir, 'pg.credentials.json'), 'utf8')) as {
    user: string;
    password: string;
  };
  const client = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('npm start', () => {
  let stateDir: string;
  let port: number;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'cogo-dev-stack-'));
    chmodSync(stateDir, 0o755);
    port = await freePortBlock(15);
  });

  afterAll(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs every agent on the embedded Postgres, answers /health, and Ctrl-C leaves nothing behind', async () => {
    const stack = npmStart(stateDir, port);
    await waitFor(() => (stack.output.includes('is up in') ? true : undefined), 'the start banner', 60_000);
    const secondsToBanner = (Date.now() - stack.startedAt) / 1000;

    const health = await request(`http://127.0.0.1:${port}`).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    expect(stack.output).toContain(`http://localhost:${port}`);
    expect(stack.output).toContain('curl http://localhost');

    for (const agent of AGENTS) expect(stack.output).toMatch(new RegExp(`^${agent}\\s+\\|`, 'm'));

    const instances = await waitFor(async () => {
      const rows = await queryStack<{ agent: string; pid: number }>(
        stateDir,
        stack.output,
        'select agent, pid from agent_instances order by agent',
      );
      return rows.length === AGENTS.length ? rows : undefined;
    }, 'every agent to register its presence');
    expect(instances.map((row) => row.agent)).toEqual([...AGENTS].sort());

    const pids = [...instances.map((row) => row.pid), postgresPid(stateDir)];
    expect(pids.every(isRunning)).toBe(true);

    await pressCtrlC(stack);
    expect(stack.output).toContain('[cogo] stopped.');
    for (const pid of pids) expect({ pid, running: isRunning(pid) }).toEqual({ pid, running: false });
    expect(secondsToBanner).toBeLessThan(60);
  });

  it('reuses the data of the previous run on a second start', async () => {
    const first = npmStart(stateDir, port);
    await waitFor(() => (first.output.includes('is up in') ? true : undefined), 'the start banner', 60_000);
    await queryStack(stateDir, first.output, "select bus_subscribe('e2e-marker', array['marker.kept'])");
    await pressCtrlC(first);

    const second = npmStart(stateDir, port);
    await waitFor(() => (second.output.includes('is up in') ? true : undefined), 'the start banner', 60_000);
    expect(second.output).toMatch(/0 migration\(s\) applied, \d+ already in place/);
    const kept = await queryStack<{ pattern: string }>(
      stateDir,
      second.output,
      "select pattern from bus_subscriptions where group_name = 'e2e-marker'",
    );
    expect(kept).toEqual([{ pattern: 'marker.kept' }]);
    await pressCtrlC(second);
  });
});
