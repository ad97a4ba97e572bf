import { join, posix } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '@cogo/bus';
import { Events, type TestCaseResult, type TestRunResult, type WorkspaceDto } from '@cogo/contracts';
import { COMPILED_DIRECTORY, LOGS_DIRECTORY } from '../build-test.constants';
import type { TestCompletedEvent } from '../build-test.events';
import { NotCompiledException } from '../errors/not-compiled.exception';
import { RunAbortedException } from '../errors/run-aborted.exception';
import { parseTap } from '../parsers/tap.parser';
import { ArtifactRepository } from '../repositories/artifact.repository';
import { WorkspaceRepository } from '../repositories/workspace.repository';
import { SANDBOX_OPTIONS, type SandboxOptions } from '../sandbox.options';
import { type RunContext, type SandboxRun, SandboxService } from './sandbox.service';
import { WorkspaceService } from './workspace.service';

const TEST_FILE_SUFFIX = '.test.js';
const MAX_TEST_FILES = 500;
const MAX_DEPTH = 16;

/**
 * `test.run`: runs the compiled tests of a workspace with Node's test runner in the sandbox and
 * reads its TAP report. Failing tests and a timeout are a result (`ok: false`), not an exception.
 */
@Injectable()
export class TestRunService {
  private readonly logger = new Logger(TestRunService.name);

  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly sandbox: SandboxService,
    private readonly files: WorkspaceRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly bus: BusClient,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
  ) {}

  async run(request: WorkspaceDto, context: RunContext = {}): Promise<TestRunResult> {
    const workspace = await this.workspaces.resolve(request.workspace);
    const testFiles = await this.files.findFiles(workspace.dir, COMPILED_DIRECTORY, {
      suffix: TEST_FILE_SUFFIX,
      maxFiles: MAX_TEST_FILES,
      maxDepth: MAX_DEPTH,
    });
    if (testFiles.length === 0) throw new NotCompiledException(workspace.name);

    const timeoutMs = request.timeoutMs ?? this.options.defaultTimeoutMs;
    const run = await this.sandbox.run({
      workspaceDir: workspace.dir,
      // One test file at a time: the memory limits hold per process, so parallel files would
      // multiply them; and files finish in order, so a timeout still reports the earlier ones.
      nodeArgs: ['--test', '--test-reporter=tap', '--test-concurrency=1', ...testFiles],
      timeoutMs,
      signal: context.signal,
    });
    if (run.aborted) throw new RunAbortedException(workspace.name);

    const report = parseTap(run.stdout.text, { workspaceDir: workspace.dir });
    const tests = [...report.tests, ...this.failureWithoutTest(run, report.failed)];
    const count = (status: TestCaseResult['status']): number => tests.filter((test) => test.status === status).length;
    const result: TestRunResult = {
      workspace: workspace.name,
      ok: !run.timedOut && run.exitCode === 0 && count('failed') === 0,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      durationMs: run.durationMs,
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      tests,
      logs: [
        posix.join(workspace.name, LOGS_DIRECTORY, 'test.log'),
        posix.join(workspace.name, LOGS_DIRECTORY, 'test.json'),
      ],
    };
    await this.artifacts.write(join(workspace.dir, LOGS_DIRECTORY), [
      { name: 'test.log', content: run.log },
      { name: 'test.json', content: `${JSON.stringify(result, null, 2)}\n` },
    ]);
    const event: TestCompletedEvent = {
      workspace: result.workspace,
      ok: result.ok,
      passed: result.passed,
      failed: result.failed,
      skipped: result.skipped,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
    };
    await lastValueFrom(this.bus.emit(Events.TestCompleted, event), { defaultValue: undefined });
    this.logger.log(
      `tested ${workspace.name}: ${result.ok ? 'ok' : 'failed'}, ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped, ${run.durationMs} ms${run.timedOut ? ', timed out' : ''} (trace ${context.traceId ?? '-'})`,
    );
    return result;
  }

  /**
   * The runner failed but no test says why (it crashed, or its report was cut at the output
   * cap): one synthetic case carries the reason. A timeout needs none: `timedOut` says it.
   */
  private failureWithoutTest(run: SandboxRun, failed: number): TestCaseResult[] {
    if (run.timedOut || run.exitCode === 0 || failed > 0) return [];
    const ending = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    const truncated = run.stdout.truncated ? ' (its report was longer than the output cap and was cut)' : '';
    return [
      {
        name: '(test runner)',
        status: 'failed',
        durationMs: run.durationMs,
        failure: `the test runner ${ending} without reporting a failing test${truncated}. The whole output is in ${LOGS_DIRECTORY}/test.log.`,
      },
    ];
  }
}
