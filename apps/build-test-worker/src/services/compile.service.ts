import { join, posix } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '@cogo/bus';
import { type CompileResult, type Diagnostic, Events, type WorkspaceDto } from '@cogo/contracts';
import { COMPILED_DIRECTORY, LOGS_DIRECTORY } from '../build-test.constants';
import type { BuildCompletedEvent } from '../build-test.events';
import { RunAbortedException } from '../errors/run-aborted.exception';
import { SandboxUnavailableException } from '../errors/sandbox-unavailable.exception';
import { parseTscOutput } from '../parsers/tsc-output.parser';
import { ArtifactRepository } from '../repositories/artifact.repository';
import { ToolchainRepository } from '../repositories/toolchain.repository';
import { WorkspaceRepository } from '../repositories/workspace.repository';
import { SANDBOX_OPTIONS, type SandboxOptions } from '../sandbox.options';
import { type RunContext, type SandboxRun, SandboxService } from './sandbox.service';
import { WorkspaceService } from './workspace.service';

/**
 * `build.compile`: type-checks and emits a workspace with its own tsconfig.json, in the sandbox.
 * Type errors are a result (`ok: false` with diagnostics), not an exception, so the workflow step
 * fails with the reason and nothing is retried.
 */
@Injectable()
export class CompileService {
  private readonly logger = new Logger(CompileService.name);

  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly sandbox: SandboxService,
    private readonly toolchain: ToolchainRepository,
    private readonly files: WorkspaceRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly bus: BusClient,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
  ) {}

  async compile(request: WorkspaceDto, context: RunContext = {}): Promise<CompileResult> {
    const workspace = await this.workspaces.resolve(request.workspace);
    const tsc = this.toolchain.typescriptCompiler();
    if (!tsc) {
      throw new SandboxUnavailableException(
        'the TypeScript compiler is not installed on this worker',
        'Make "typescript" a production dependency of the build-test worker image.',
      );
    }
    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    // tsc never deletes output: without this, a test file removed from the sources would still
    // run from an earlier compile.
    await this.files.removeDirectory(join(workspace.dir, COMPILED_DIRECTORY));
    const run = await this.sandbox.run({
      workspaceDir: workspace.dir,
      nodeArgs: [tsc, '-p', 'tsconfig.json', '--pretty', 'false'],
      timeoutMs,
      signal: context.signal,
    });
    if (run.aborted) throw new RunAbortedException(workspace.name);

    const reported = parseTscOutput(run.stdout.text, workspace.dir);
    const diagnostics = [...reported, ...this.failureWithoutDiagnostic(run, reported, timeoutMs)];
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    const logs = [
      posix.join(workspace.name, LOGS_DIRECTORY, 'compile.log'),
      posix.join(workspace.name, LOGS_DIRECTORY, 'compile.json'),
    ];
    const result: CompileResult = {
      workspace: workspace.name,
      ok: !run.timedOut && run.exitCode === 0 && errors === 0,
      diagnostics,
      durationMs: run.durationMs,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      logs,
    };
    await this.artifacts.write(join(workspace.dir, LOGS_DIRECTORY), [
      { name: 'compile.log', content: run.log },
      { name: 'compile.json', content: `${JSON.stringify(result, null, 2)}\n` },
    ]);
    const event: BuildCompletedEvent = {
      workspace: result.workspace,
      ok: result.ok,
      errors,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
    };
    await lastValueFrom(this.bus.emit(Events.BuildCompleted, event), { defaultValue: undefined });
    this.logger.log(
      `compiled ${workspace.name}: ${result.ok ? 'ok' : 'failed'}, ${errors} error(s), ${run.durationMs} ms${run.timedOut ? ', timed out' : ''} (trace ${context.traceId ?? '-'})`,
    );
    return result;
  }

  /**
   * A timeout, or tsc dying without a diagnostic (killed at the memory cap, a crash), still has to
   * tell the caller why the compile failed.
   */
  private failureWithoutDiagnostic(run: SandboxRun, reported: readonly Diagnostic[], timeoutMs: number): Diagnostic[] {
    const at = { file: '', line: 0, column: 0, severity: 'error' as const };
    if (run.timedOut) {
      return [
        {
          ...at,
          code: 'TIMEOUT',
          message: `tsc did not finish within ${timeoutMs} ms and was killed. Raise timeoutMs (up to 600000) or make the workspace smaller.`,
        },
      ];
    }
    if (run.exitCode === 0 || reported.some((diagnostic) => diagnostic.severity === 'error')) return [];
    const ending = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    const memory = /heap out of memory|allocation failed/i.test(run.stderr.text)
      ? `; it ran out of memory (the sandbox allows ${this.options.heapMb} MB of heap)`
      : '';
    const lastLine = run.stderr.text.trim().split('\n').pop()?.trim();
    return [
      {
        ...at,
        code: 'COMPILER_FAILED',
        message: `tsc ${ending} without reporting a diagnostic${memory}${lastLine ? `: ${lastLine}` : ''}. The whole output is in ${LOGS_DIRECTORY}/compile.log.`,
      },
    ];
  }
}
