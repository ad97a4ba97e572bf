import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { of } from 'rxjs';
import type { BusClient } from '@cogo/bus';
import type { AppConfig } from '@cogo/config';
import type { TestRunResult } from '@cogo/contracts';
import { NotCompiledException } from '../errors/not-compiled.exception';
import { RunAbortedException } from '../errors/run-aborted.exception';
import type { ArtifactFile } from '../repositories/artifact.repository';
import type { ProcessOutcome } from '../repositories/process.repository';
import type { ToolchainRepository } from '../repositories/toolchain.repository';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox.options';
import { SandboxService } from './sandbox.service';
import { TestRunService } from './test-run.service';
import { WorkspaceService } from './workspace.service';

const tap = (name: string): string => readFileSync(join(__dirname, '../parsers/fixtures', name), 'utf8');
const WORKSPACE_DIR = '/tmp/ws1';

function anOutcome(overrides: Partial<ProcessOutcome> = {}): ProcessOutcome {
  return {
    pid: 100,
    exitCode: 0,
    signal: null,
    timedOut: false,
    aborted: false,
    durationMs: 800,
    stdout: { text: '', bytes: 0, truncated: false },
    stderr: { text: '', bytes: 0, truncated: false },
    ...overrides,
  };
}

function withStdout(text: string, overrides: Partial<ProcessOutcome> = {}): ProcessOutcome {
  return anOutcome({ stdout: { text, bytes: text.length, truncated: false }, ...overrides });
}

/** The service with its real collaborators and every repository mocked; ARTIFACTS_BASE is /tmp. */
function aTestRunService(testFiles: string[] = ['dist/test/a.test.js', 'dist/test/b.test.js']) {
  const files = {
    realPath: jest.fn((path: string) => Promise.resolve(path === '/tmp' || path === WORKSPACE_DIR ? path : undefined)),
    isDirectory: jest.fn(() => Promise.resolve(true)),
    prepareDirectory: jest.fn(() => Promise.resolve()),
    removeDirectory: jest.fn(() => Promise.resolve()),
    findFiles: jest.fn(() => Promise.resolve(testFiles)),
  };
  const toolchain = {
    nodeExecutable: jest.fn(() => '/usr/bin/node'),
    findExecutable: jest.fn(() => undefined),
  };
  const processes = { run: jest.fn(() => Promise.resolve(withStdout(tap('tap-mixed.txt'), { exitCode: 1 }))) };
  const written: { directory: string; files: readonly ArtifactFile[] }[] = [];
  const artifacts = {
    write: jest.fn((directory: string, artifactFiles: readonly ArtifactFile[]) => {
      written.push({ directory, files: artifactFiles });
      return Promise.resolve();
    }),
  };
  const bus = { emit: jest.fn(() => of(undefined)) };
  const workspaces = new WorkspaceService({ artifactsBase: '/tmp' } as AppConfig, files);
  const sandbox = new SandboxService(
    DEFAULT_SANDBOX_OPTIONS,
    toolchain as unknown as ToolchainRepository,
    processes,
    files,
  );
  const service = new TestRunService(
    workspaces,
    sandbox,
    files,
    artifacts,
    bus as unknown as BusClient,
    DEFAULT_SANDBOX_OPTIONS,
  );
  return { service, files, processes, artifacts, written, bus };
}

describe(TestRunService.name, () => {
  // The service logs every run; the assertions here are on results, not on log lines.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('runs the compiled test files one at a time with the TAP reporter', async () => {
    const { service, files, processes } = aTestRunService();
    await service.run({ workspace: 'ws1', timeoutMs: 3_000 });
    expect(files.findFiles).toHaveBeenCalledWith(
      WORKSPACE_DIR,
      'dist',
      expect.objectContaining({ suffix: '.test.js' }),
    );
    expect(processes.run).toHaveBeenCalledWith(
      expect.objectContaining({
        command: '/usr/bin/node',
        args: [
          '--max-old-space-size=512',
          '--test',
          '--test-reporter=tap',
          '--test-concurrency=1',
          'dist/test/a.test.js',
          'dist/test/b.test.js',
        ],
        cwd: WORKSPACE_DIR,
        timeoutMs: 3_000,
      }),
    );
  });

  it('refuses a workspace without compiled tests with NOT_COMPILED, telling to run build.compile', async () => {
    const { service, processes } = aTestRunService([]);
    const error = (await service.run({ workspace: 'ws1' }).catch((caught: unknown) => caught)) as NotCompiledException;
    expect(error).toBeInstanceOf(NotCompiledException);
    expect(error.code).toBe('NOT_COMPILED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Run build.compile on it first/);
    expect(processes.run).not.toHaveBeenCalled();
  });

  it('answers failing tests as a result with counts and failure messages', async () => {
    const { service } = aTestRunService();
    const result = await service.run({ workspace: 'ws1' });
    expect(result).toMatchObject({ workspace: 'ws1', ok: false, passed: 3, failed: 4, skipped: 2, exitCode: 1 });
    expect(result.tests.find((test) => test.name === 'fails')?.failure).toMatch(/one plus two/);
    expect(result.logs).toEqual(['ws1/.logs/test.log', 'ws1/.logs/test.json']);
  });

  it('answers an all-green run with ok', async () => {
    const { service, processes } = aTestRunService();
    const green = 'TAP version 13\nok 1 - a\n  ---\n  duration_ms: 1.5\n  ...\n1..1\n# pass 1\n';
    processes.run.mockResolvedValueOnce(withStdout(green));
    await expect(service.run({ workspace: 'ws1' })).resolves.toMatchObject({
      ok: true,
      passed: 1,
      failed: 0,
      skipped: 0,
      tests: [{ name: 'a', status: 'passed', durationMs: 1.5 }],
    });
  });

  it('answers a timeout with the tests reported so far', async () => {
    const { service, processes } = aTestRunService();
    processes.run.mockResolvedValueOnce(
      withStdout(tap('tap-killed.txt'), { exitCode: null, signal: 'SIGKILL', timedOut: true, durationMs: 2_001 }),
    );
    const result = await service.run({ workspace: 'ws1', timeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: false, timedOut: true, passed: 1, failed: 0, durationMs: 2_001 });
    expect(result.tests).toEqual([{ name: 'first file passes', status: 'passed', durationMs: 2.277 }]);
  });

  it('gives a failing runner that reported no failing test a case that says why', async () => {
    const { service, processes } = aTestRunService();
    processes.run.mockResolvedValueOnce(withStdout('TAP version 13\n', { exitCode: 7 }));
    const result = await service.run({ workspace: 'ws1' });
    expect(result).toMatchObject({ ok: false, failed: 1 });
    expect(result.tests).toHaveLength(1);
    expect(result.tests[0]).toMatchObject({ name: '(test runner)', status: 'failed' });
    expect(result.tests[0].failure).toMatch(/exited with code 7 without reporting a failing test/);
  });

  it('saves the log and the structured result, and emits test.completed', async () => {
    const { service, written, bus } = aTestRunService();
    const result = await service.run({ workspace: 'ws1' });
    expect(written[0].directory).toBe(`${WORKSPACE_DIR}/.logs`);
    expect(written[0].files.map((file) => file.name)).toEqual(['test.log', 'test.json']);
    expect(written[0].files[0].content).toContain('not ok 2 - fails');
    expect(JSON.parse(written[0].files[1].content) as TestRunResult).toEqual(result);
    expect(bus.emit).toHaveBeenCalledWith('test.completed', {
      workspace: 'ws1',
      ok: false,
      passed: 3,
      failed: 4,
      skipped: 2,
      timedOut: false,
      durationMs: 800,
    });
  });

  it('stops with RUN_ABORTED, writing and emitting nothing, when the lease is lost', async () => {
    const { service, processes, artifacts, bus } = aTestRunService();
    processes.run.mockResolvedValueOnce(anOutcome({ exitCode: null, signal: 'SIGKILL', aborted: true }));
    await expect(service.run({ workspace: 'ws1' })).rejects.toBeInstanceOf(RunAbortedException);
    expect(artifacts.write).not.toHaveBeenCalled();
    expect(bus.emit).not.toHaveBeenCalled();
  });
});
