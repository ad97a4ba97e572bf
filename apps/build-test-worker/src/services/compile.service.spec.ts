import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { of } from 'rxjs';
import type { BusClient } from '@cogo/bus';
import type { AppConfig } from '@cogo/config';
import type { CompileResult } from '@cogo/contracts';
import { RunAbortedException } from '../errors/run-aborted.exception';
import { SandboxUnavailableException } from '../errors/sandbox-unavailable.exception';
import type { ArtifactFile } from '../repositories/artifact.repository';
import type { ProcessOutcome } from '../repositories/process.repository';
import type { WorkspaceRepository } from '../repositories/workspace.repository';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox.options';
import { CompileService } from './compile.service';
import { SandboxService } from './sandbox.service';
import { WorkspaceService } from './workspace.service';

const TSC_ERRORS = readFileSync(join(__dirname, '../parsers/fixtures/tsc-plain.txt'), 'utf8');
const WORKSPACE_DIR = '/tmp/ws3';

function anOutcome(overrides: Partial<ProcessOutcome> = {}): ProcessOutcome {
  return {
    pid: 100,
    exitCode: 0,
    signal: null,
    timedOut: false,
    aborted: false,
    durationMs: 1_500,
    stdout: { text: '', bytes: 0, truncated: false },
    stderr: { text: '', bytes: 0, truncated: false },
    ...overrides,
  };
}

/** The service with its real collaborators and every repository mocked; ARTIFACTS_BASE is /tmp. */
function aCompileService(options: { tsc?: string | null } = {}) {
  const files = {
    realPath: jest.fn((path: string) => Promise.resolve(path === '/tmp' || path === WORKSPACE_DIR ? path : undefined)),
    isDirectory: jest.fn(() => Promise.resolve(true)),
    prepareDirectory: jest.fn(() => Promise.resolve()),
    removeDirectory: jest.fn(() => Promise.resolve()),
  };
  const toolchain = {
    nodeExecutable: jest.fn(() => '/usr/bin/node'),
    typescriptCompiler: jest.fn(() => (options.tsc === null ? undefined : (options.tsc ?? '/repo/tsc'))),
    findExecutable: jest.fn(() => undefined),
  };
  const processes = { run: jest.fn(() => Promise.resolve(anOutcome())) };
  const written: { directory: string; files: readonly ArtifactFile[] }[] = [];
  const artifacts = {
    write: jest.fn((directory: string, artifactFiles: readonly ArtifactFile[]) => {
      written.push({ directory, files: artifactFiles });
      return Promise.resolve();
    }),
  };
  const bus = { emit: jest.fn(() => of(undefined)) };
  const workspaces = new WorkspaceService(
    { artifactsBase: '/tmp' } as AppConfig,
    files as unknown as WorkspaceRepository,
  );
  const sandbox = new SandboxService(
    DEFAULT_SANDBOX_OPTIONS,
    toolchain,
    processes,
    files as unknown as WorkspaceRepository,
  );
  const service = new CompileService(
    workspaces,
    sandbox,
    toolchain,
    files as unknown as WorkspaceRepository,
    artifacts,
    bus as unknown as BusClient,
    DEFAULT_SANDBOX_OPTIONS,
  );
  return { service, files, processes, artifacts, written, bus };
}

describe(CompileService.name, () => {
  // The service logs every run; the assertions here are on results, not on log lines.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('runs tsc on the workspace with its tsconfig and the plain output format', async () => {
    const { service, processes } = aCompileService();
    await service.compile({ workspace: 'ws3' });
    expect(processes.run).toHaveBeenCalledWith(
      expect.objectContaining({
        command: '/usr/bin/node',
        args: ['--max-old-space-size=512', '/repo/tsc', '-p', 'tsconfig.json', '--pretty', 'false'],
        cwd: WORKSPACE_DIR,
        timeoutMs: 60_000,
      }),
    );
  });

  it('removes the output of an earlier compile first, so no stale test survives', async () => {
    const { service, files, processes } = aCompileService();
    await service.compile({ workspace: 'ws3' });
    expect(files.removeDirectory).toHaveBeenCalledWith(`${WORKSPACE_DIR}/dist`);
    expect(files.removeDirectory.mock.invocationCallOrder[0]).toBeLessThan(processes.run.mock.invocationCallOrder[0]);
  });

  it('uses the timeout of the request', async () => {
    const { service, processes } = aCompileService();
    await service.compile({ workspace: 'ws3', timeoutMs: 5_000 });
    expect(processes.run).toHaveBeenCalledWith(expect.objectContaining({ timeoutMs: 5_000 }));
  });

  it('answers a clean compile with ok and the artifact paths of its logs', async () => {
    const { service } = aCompileService();
    await expect(service.compile({ workspace: 'ws3' })).resolves.toEqual({
      workspace: 'ws3',
      ok: true,
      diagnostics: [],
      durationMs: 1_500,
      exitCode: 0,
      timedOut: false,
      logs: ['ws3/.logs/compile.log', 'ws3/.logs/compile.json'],
    });
  });

  it('answers type errors as a result with diagnostics, not as an exception', async () => {
    const { service, processes } = aCompileService();
    processes.run.mockResolvedValueOnce(
      anOutcome({ exitCode: 2, stdout: { text: TSC_ERRORS, bytes: TSC_ERRORS.length, truncated: false } }),
    );
    const result = await service.compile({ workspace: 'ws3' });
    expect(result.ok).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.diagnostics).toHaveLength(7);
    expect(result.diagnostics[0]).toMatchObject({ file: 'src/bad.ts', line: 3, column: 14, code: 'TS2322' });
  });

  it('saves the full log and the structured result next to the workspace', async () => {
    const { service, processes, written } = aCompileService();
    processes.run.mockResolvedValueOnce(
      anOutcome({ exitCode: 2, stdout: { text: TSC_ERRORS, bytes: TSC_ERRORS.length, truncated: false } }),
    );
    const result = await service.compile({ workspace: 'ws3' });
    expect(written).toHaveLength(1);
    expect(written[0].directory).toBe(`${WORKSPACE_DIR}/.logs`);
    const [log, json] = written[0].files;
    expect(log.name).toBe('compile.log');
    expect(log.content).toContain(TSC_ERRORS);
    expect(json.name).toBe('compile.json');
    expect(JSON.parse(json.content) as CompileResult).toEqual(result);
  });

  it('emits build.completed with the number of errors', async () => {
    const { service, processes, bus } = aCompileService();
    processes.run.mockResolvedValueOnce(
      anOutcome({ exitCode: 2, stdout: { text: TSC_ERRORS, bytes: TSC_ERRORS.length, truncated: false } }),
    );
    await service.compile({ workspace: 'ws3' });
    expect(bus.emit).toHaveBeenCalledWith('build.completed', {
      workspace: 'ws3',
      ok: false,
      errors: 7,
      timedOut: false,
      durationMs: 1_500,
    });
  });

  it('answers a timeout as a failed result that says what to do', async () => {
    const { service, processes } = aCompileService();
    processes.run.mockResolvedValueOnce(anOutcome({ exitCode: null, signal: 'SIGKILL', timedOut: true }));
    const result = await service.compile({ workspace: 'ws3', timeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: false, timedOut: true, exitCode: null });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'TIMEOUT', file: '', line: 0, severity: 'error' });
    expect(result.diagnostics[0].message).toMatch(/within 2000 ms.*Raise timeoutMs/);
  });

  it('explains a compiler killed at the memory cap', async () => {
    const { service, processes } = aCompileService();
    const stderr = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
    processes.run.mockResolvedValueOnce(
      anOutcome({
        exitCode: null,
        signal: 'SIGABRT',
        stderr: { text: stderr, bytes: stderr.length, truncated: false },
      }),
    );
    const result = await service.compile({ workspace: 'ws3' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['COMPILER_FAILED']);
    expect(result.diagnostics[0].message).toMatch(
      /killed by SIGABRT.*ran out of memory \(the sandbox allows 512 MB of heap\)/,
    );
  });

  it('is not ok when tsc fails even though it printed only warnings', async () => {
    const { service, processes } = aCompileService();
    const text = 'src/a.ts(1,1): warning TS9999: odd.\n';
    processes.run.mockResolvedValueOnce(
      anOutcome({ exitCode: 1, stdout: { text, bytes: text.length, truncated: false } }),
    );
    const result = await service.compile({ workspace: 'ws3' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['TS9999', 'COMPILER_FAILED']);
  });

  it('stops with RUN_ABORTED, writing and emitting nothing, when the lease is lost', async () => {
    const { service, processes, artifacts, bus } = aCompileService();
    processes.run.mockResolvedValueOnce(anOutcome({ exitCode: null, signal: 'SIGKILL', aborted: true }));
    await expect(service.compile({ workspace: 'ws3' })).rejects.toBeInstanceOf(RunAbortedException);
    expect(artifacts.write).not.toHaveBeenCalled();
    expect(bus.emit).not.toHaveBeenCalled();
  });

  it('refuses a workspace outside ARTIFACTS_BASE before running anything', async () => {
    const { service, processes } = aCompileService();
    await expect(service.compile({ workspace: '../etc' })).rejects.toMatchObject({ code: 'INVALID_WORKSPACE' });
    expect(processes.run).not.toHaveBeenCalled();
  });

  it('says how to fix a worker without the TypeScript compiler', async () => {
    const { service } = aCompileService({ tsc: null });
    const error = (await service.compile({ workspace: 'ws3' }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(SandboxUnavailableException);
    expect(error.message).toMatch(/Make "typescript" a production dependency/);
  });
});
