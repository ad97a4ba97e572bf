import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ProcessRepository,
  type ProcessSpec,
} from '../../../apps/build-test-worker/src/repositories/process.repository';
import { ToolchainRepository } from '../../../apps/build-test-worker/src/repositories/toolchain.repository';
import { WorkspaceRepository } from '../../../apps/build-test-worker/src/repositories/workspace.repository';
import { DEFAULT_SANDBOX_OPTIONS } from '../../../apps/build-test-worker/src/sandbox.options';
import { SandboxService } from '../../../apps/build-test-worker/src/services/sandbox.service';
import { isRunning, processGroupMembers, waitFor } from '../../support/process-tools';

/** A Node one-liner in the same shape as the sandbox runs it. */
function nodeScript(script: string, overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    command: process.execPath,
    args: ['-e', script],
    cwd: tmpdir(),
    env: { PATH: '/usr/bin:/bin' },
    timeoutMs: 10_000,
    maxOutputBytes: 1024 * 1024,
    streamGraceMs: 500,
    ...overrides,
  };
}

/** Starts a sleeping grandchild in the same process group and prints its pid. */
const SPAWN_SLEEPER = `const { spawn } = require('node:child_process');
const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
process.stdout.write('sleeper ' + sleeper.pid + '\\n');`;

describe(ProcessRepository.name, () => {
  const processes = new ProcessRepository();

  it('captures both streams and the exit code', async () => {
    const outcome = await processes.run(
      nodeScript("process.stdout.write('to out'); process.stderr.write('to err'); process.exitCode = 3"),
    );
    expect(outcome).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      aborted: false,
      stdout: { text: 'to out', bytes: 6, truncated: false },
      stderr: { text: 'to err', bytes: 6, truncated: false },
    });
    expect(outcome.pid).toBeGreaterThan(0);
  });

  it('passes only the environment it is given', async () => {
    process.env.COGO_PROCESS_TEST_SECRET = 'do-not-pass';
    try {
      const outcome = await processes.run(nodeScript('process.stdout.write(JSON.stringify(process.env))'));
      expect(JSON.parse(outcome.stdout.text)).toEqual({ PATH: '/usr/bin:/bin' });
    } finally {
      delete process.env.COGO_PROCESS_TEST_SECRET;
    }
  });

  it('keeps only the first bytes of a chatty child, marks the cut, and still lets it finish', async () => {
    const outcome = await processes.run(
      nodeScript("const line = 'x'.repeat(1023) + '\\n'; for (let i = 0; i < 20480; i++) process.stdout.write(line)"),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout.bytes).toBe(20 * 1024 * 1024);
    expect(outcome.stdout.truncated).toBe(true);
    expect(outcome.stdout.text.length).toBeLessThan(1024 * 1024 + 200);
    expect(outcome.stdout.text).toMatch(
      /\[output truncated: stdout wrote 20971520 bytes, only the first 1048576 were kept\]\n$/,
    );
  });

  it('kills the whole process group at the timeout, grandchildren included', async () => {
    const started = Date.now();
    const outcome = await processes.run(nodeScript(`${SPAWN_SLEEPER}\nfor (;;) {}`, { timeoutMs: 1_000 }));
    expect(outcome).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeLessThan(1_000 + 1_500);
    const sleeper = Number(/sleeper (\d+)/.exec(outcome.stdout.text)?.[1]);
    expect(sleeper).toBeGreaterThan(0);
    expect(processGroupMembers(outcome.pid)).toEqual([]);
    expect(isRunning(sleeper)).toBe(false);
  });

  it('kills what the main process left running when it exits on its own', async () => {
    const outcome = await processes.run(nodeScript(`${SPAWN_SLEEPER}\nsetTimeout(() => process.exit(0), 200)`));
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false });
    const sleeper = Number(/sleeper (\d+)/.exec(outcome.stdout.text)?.[1]);
    await waitFor(() => (isRunning(sleeper) ? undefined : true), 'the left-over sleeper to be gone', 2_000, 20);
    expect(processGroupMembers(outcome.pid)).toEqual([]);
  });

  it('kills the group when the abort signal fires (the lease was lost)', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const outcome = await processes.run(nodeScript('setInterval(() => {}, 1000)', { signal: abort.signal }));
    expect(outcome).toMatchObject({ aborted: true, timedOut: false, signal: 'SIGKILL' });
    expect(outcome.durationMs).toBeLessThan(2_000);
    expect(processGroupMembers(outcome.pid)).toEqual([]);
  });

  it('does not wait for a descendant that left the process group and holds the pipes', async () => {
    const escapee = `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
child.unref();
process.stdout.write('escapee ' + child.pid + '\\n');`;
    const started = Date.now();
    const outcome = await processes.run(nodeScript(escapee, { streamGraceMs: 300 }));
    const pid = Number(/escapee (\d+)/.exec(outcome.stdout.text)?.[1]);
    try {
      expect(outcome.exitCode).toBe(0);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  });

  it('rejects when the program cannot be started', async () => {
    await expect(processes.run(nodeScript('', { command: '/nonexistent/program' }))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe(`${SandboxService.name} with the real prlimit and timeout`, () => {
  let dir: string;
  const sandbox = new SandboxService(
    { ...DEFAULT_SANDBOX_OPTIONS, backstopGraceMs: 1_000 },
    new ToolchainRepository(),
    new ProcessRepository(),
    new WorkspaceRepository(),
  );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cogo-sandbox-plan-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds prlimit and timeout on this host', () => {
    const plan = sandbox.plan({ workspaceDir: dir, nodeArgs: ['-e', ''], timeoutMs: 1_000 });
    expect(plan.command).toMatch(/\/prlimit$/);
    expect(plan.args).toContain('--signal=KILL');
  });

  it('fails ArrayBuffer allocations past the data limit, which the heap cap alone does not see', async () => {
    const run = await sandbox.run({
      workspaceDir: dir,
      nodeArgs: ['-e', 'const keep = []; for (;;) keep.push(new Uint8Array(64 * 1024 * 1024).fill(1));'],
      timeoutMs: 20_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.exitCode === 0).toBe(false);
    expect(run.stderr.text).toMatch(/Array buffer allocation failed|out of memory/i);
  });

  it('disables core dumps and applies the limits to every process it starts', async () => {
    const run = await sandbox.run({
      workspaceDir: dir,
      nodeArgs: ['-e', "process.stdout.write(require('node:fs').readFileSync('/proc/self/limits', 'utf8'))"],
      timeoutMs: 10_000,
    });
    expect(run.stdout.text).toMatch(/Max core file size\s+0\s+0/);
    expect(run.stdout.text).toMatch(new RegExp(`Max data size\\s+${1024 * 1024 * 1024}\\s+${1024 * 1024 * 1024}`));
    expect(run.stdout.text).toMatch(/Max open files\s+1024\s+1024/);
  });

  it('kills its process group by itself after the timeout plus grace, even when the worker never does', async () => {
    const plan = sandbox.plan({ workspaceDir: dir, nodeArgs: ['-e', 'for (;;) {}'], timeoutMs: 1_000 });
    // Started the way the worker starts it, but nobody here will kill it: the worker "died".
    const child = spawn(plan.command, [...plan.args], {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: 'ignore',
    });
    const pid = child.pid ?? 0;
    const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
    try {
      expect(processGroupMembers(pid).length).toBeGreaterThan(0);
      // Backstop = ceil((1000 + 1000) / 1000) = 2 s.
      await waitFor(
        () => (processGroupMembers(pid).length === 0 ? true : undefined),
        'the backstop to kill the group',
        5_000,
        50,
      );
      await expect(exited).resolves.toBe('SIGKILL');
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  });
});
