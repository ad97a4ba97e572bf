import { Logger } from '@nestjs/common';
import { SandboxUnavailableException } from '../errors/sandbox-unavailable.exception';
import type { ProcessOutcome, ProcessSpec } from '../repositories/process.repository';
import type { WorkspaceRepository } from '../repositories/workspace.repository';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox.options';
import { SandboxService } from './sandbox.service';

const SECRET = 'sk-sandbox-spec-secret-do-not-leak';

function anOutcome(overrides: Partial<ProcessOutcome> = {}): ProcessOutcome {
  return {
    pid: 4242,
    exitCode: 0,
    signal: null,
    timedOut: false,
    aborted: false,
    durationMs: 120,
    stdout: { text: 'out\n', bytes: 4, truncated: false },
    stderr: { text: '', bytes: 0, truncated: false },
    ...overrides,
  };
}

function aSandbox(
  tools: { prlimit?: string; timeout?: string } = { prlimit: '/usr/bin/prlimit', timeout: '/usr/bin/timeout' },
) {
  const toolchain = {
    nodeExecutable: jest.fn(() => '/opt/node/bin/node'),
    typescriptCompiler: jest.fn(() => '/repo/node_modules/typescript/bin/tsc'),
    findExecutable: jest.fn((name: string) => (name === 'prlimit' ? tools.prlimit : tools.timeout)),
  };
  const processes = { run: jest.fn((_spec: ProcessSpec) => Promise.resolve(anOutcome())) };
  const workspaces = { prepareDirectory: jest.fn(() => Promise.resolve()) };
  const service = new SandboxService(
    DEFAULT_SANDBOX_OPTIONS,
    toolchain,
    processes,
    workspaces as unknown as WorkspaceRepository,
  );
  return { service, toolchain, processes, workspaces };
}

const spec = { workspaceDir: '/artifacts/t/m', nodeArgs: ['tsc.js', '-p', 'tsconfig.json'], timeoutMs: 10_000 };

describe(SandboxService.name, () => {
  // The service logs every run; the assertions here are on results, not on log lines.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    process.env.COGO_SANDBOX_SPEC_SECRET = SECRET;
  });
  afterEach(() => {
    delete process.env.COGO_SANDBOX_SPEC_SECRET;
  });

  it('builds the child environment from nothing: PATH, LANG, HOME and TMPDIR only', () => {
    const { service } = aSandbox();
    const { env } = service.plan(spec);
    expect(env).toEqual({
      PATH: '/opt/node/bin:/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: '/artifacts/t/m',
      TMPDIR: '/artifacts/t/m/.tmp',
    });
    expect(JSON.stringify(env)).not.toContain(SECRET);
  });

  it('wraps node in prlimit and timeout, with the heap cap before the script', () => {
    const { service } = aSandbox();
    const plan = service.plan(spec);
    expect(plan.command).toBe('/usr/bin/prlimit');
    expect(plan.args).toEqual([
      '--core=0',
      `--data=${1024 * 1024 * 1024}`,
      `--fsize=${256 * 1024 * 1024}`,
      '--nofile=1024',
      '--cpu=30',
      '--',
      '/usr/bin/timeout',
      '--signal=KILL',
      '15',
      '/opt/node/bin/node',
      '--max-old-space-size=512',
      'tsc.js',
      '-p',
      'tsconfig.json',
    ]);
    expect(plan.cwd).toBe('/artifacts/t/m');
  });

  it('still caps the heap when neither prlimit nor timeout is installed, and says so in the limits', () => {
    const { service } = aSandbox({});
    const plan = service.plan(spec);
    expect(plan.command).toBe('/opt/node/bin/node');
    expect(plan.args).toEqual(['--max-old-space-size=512', 'tsc.js', '-p', 'tsconfig.json']);
    expect(plan.limits).toContain('no rlimits: prlimit is not installed');
  });

  it('runs the plan with the timeout, output cap and abort signal, after preparing TMPDIR', async () => {
    const { service, processes, workspaces } = aSandbox();
    const abort = new AbortController();
    await service.run({ ...spec, signal: abort.signal });
    expect(workspaces.prepareDirectory).toHaveBeenCalledWith('/artifacts/t/m/.tmp');
    const [call] = processes.run.mock.calls[0];
    expect(call).toMatchObject({
      command: '/usr/bin/prlimit',
      cwd: '/artifacts/t/m',
      timeoutMs: 10_000,
      maxOutputBytes: 5 * 1024 * 1024,
      streamGraceMs: 1_000,
      signal: abort.signal,
    });
    expect(Object.keys(call.env)).toEqual(['PATH', 'LANG', 'HOME', 'TMPDIR']);
  });

  it('writes a log with the command, limits, outcome and both streams, but no environment values', async () => {
    const { service, processes } = aSandbox();
    processes.run.mockResolvedValueOnce(
      anOutcome({
        exitCode: null,
        signal: 'SIGKILL',
        timedOut: true,
        stdout: { text: 'partial\n[output truncated: ...]\n', bytes: 9_000_000, truncated: true },
        stderr: { text: 'oops\n', bytes: 5, truncated: false },
      }),
    );
    const run = await service.run(spec);
    expect(run.timedOut).toBe(true);
    expect(run.log).toMatch(
      /^\$ \/usr\/bin\/prlimit --core=0 .* \/opt\/node\/bin\/node --max-old-space-size=512 tsc\.js/,
    );
    expect(run.log).toContain('environment: PATH, LANG, HOME, TMPDIR (nothing else)');
    expect(run.log).toContain('outcome: killed: timed out after 120 ms');
    expect(run.log).toContain('----- stdout (9000000 bytes, truncated) -----\npartial');
    expect(run.log).toContain('----- stderr (5 bytes) -----\noops');
    expect(run.log).not.toContain('C.UTF-8');
    expect(run.log).not.toContain(SECRET);
  });

  it('turns a failure to start into a retryable SANDBOX_UNAVAILABLE without leaking details', async () => {
    const { service, processes } = aSandbox();
    processes.run.mockRejectedValueOnce(
      Object.assign(new Error(`spawn failed with env ${SECRET}`), { code: 'ENOENT' }),
    );
    const error = (await service.run(spec).catch((caught: unknown) => caught)) as SandboxUnavailableException;
    expect(error).toBeInstanceOf(SandboxUnavailableException);
    expect(error.code).toBe('SANDBOX_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/could not start prlimit in the sandbox \(ENOENT\)/);
    expect(error.message).not.toContain(SECRET);
  });

  it('looks for prlimit and timeout once', () => {
    const { service, toolchain } = aSandbox();
    service.onModuleInit();
    service.plan(spec);
    service.plan(spec);
    expect(toolchain.findExecutable).toHaveBeenCalledTimes(2);
  });
});
