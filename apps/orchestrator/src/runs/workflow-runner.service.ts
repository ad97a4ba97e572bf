import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient, BusRecordBuilder, BusRpcException, RequestTimeoutException } from '@cogo/bus';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import { type DispatchResult, Events, Patterns } from '@cogo/contracts';
import { runWithTrace } from '@cogo/tracing';
import { judgeStepOutput } from '../planning/step-verdict';
import { resolveStepInput } from '../planning/workflow-templates';
import { type RunRecord, RunRepository } from './run.repository';

/** How long a step may take end to end, dispatcher retries included. */
const STEP_TIMEOUT_MS: Readonly<Record<string, number>> = {
  'codegen.generate': 150_000,
  'build.compile': 250_000,
  'test.run': 250_000,
  'index.repository': 650_000,
};

export interface RunnerOptions {
  /** Lease on a run while this instance drives it; renewed every third of it. */
  readonly leaseMs: number;
  /** How often orphaned runs (their driver died) are looked for. */
  readonly resumeIntervalMs: number;
}

export const RUNNER_OPTIONS = Symbol('RUNNER_OPTIONS');

/**
 * Drives workflow runs step by step: one `dispatcher.execute` request per step, the output of a
 * step feeding the next. State is in Postgres after every step, and each dispatch carries the
 * idempotency key `wf:<run>:<step>`, so a run resumed by another instance (or after a restart)
 * continues where it stopped without running a finished step again.
 */
@Injectable()
export class WorkflowRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkflowRunner.name);
  private readonly driving = new Map<string, NodeJS.Timeout>();
  private resumeTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly runs: RunRepository,
    private readonly bus: BusClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNNER_OPTIONS) private readonly options: RunnerOptions,
  ) {}

  get owner(): string {
    return this.config.instanceId;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  onApplicationBootstrap(): void {
    this.resumeTimer = setInterval(() => void this.resumeOrphans(), this.options.resumeIntervalMs);
    this.resumeTimer.unref();
    void this.resumeOrphans();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.resumeTimer);
    for (const [runId, timer] of this.driving) {
      clearInterval(timer);
      await this.runs.releaseRun(runId, this.owner).catch(() => undefined);
    }
    this.driving.clear();
  }

  /** Starts driving a run this instance owns, in the background. */
  drive(runId: string): void {
    if (this.driving.has(runId) || this.stopping) return;
    const renewal = setInterval(() => {
      void this.runs.renewLease(runId, this.owner, this.options.leaseMs).catch(() => false);
    }, this.options.leaseMs / 3);
    renewal.unref();
    this.driving.set(runId, renewal);
    void this.runToEnd(runId)
      .catch((error: unknown) =>
        this.logger.error(`run ${runId} stopped: ${String(error)}; another pass will resume it`),
      )
      .finally(() => {
        clearInterval(renewal);
        this.driving.delete(runId);
      });
  }

  private async resumeOrphans(): Promise<void> {
    if (this.stopping) return;
    try {
      const runIds = await this.runs.claimOrphans(this.owner, this.options.leaseMs, 10);
      for (const runId of runIds) {
        this.logger.log(`resuming workflow run ${runId}`);
        this.drive(runId);
      }
    } catch (error) {
      this.logger.warn(`looking for runs to resume failed: ${String(error)}`);
    }
  }

  private async runToEnd(runId: string): Promise<void> {
    const run = await this.runs.loadForDriver(runId);
    if (!run || run.status !== 'running') return;
    await runWithTrace({ traceId: run.traceId, spanId: run.spanId }, () => this.runSteps(run));
  }

  private async runSteps(run: RunRecord): Promise<void> {
    const outputs = new Map<string, unknown>();
    for (const step of run.steps) {
      if (this.stopping) return;
      if (step.status === 'succeeded') {
        outputs.set(step.name, step.output);
        continue;
      }
      const input = resolveStepInput(step.input, outputs);
      if (!(await this.runs.startStep(run.id, step.index, this.owner, input))) return; // lease lost
      await this.emit(Events.WorkflowStepStarted, { runId: run.id, step: step.name, capability: step.capability });

      const outcome = await this.dispatch(run.id, step.index, step.capability, input);
      if (this.stopping) return;
      if (!outcome.ok) {
        await this.runs.finishStep(run.id, step.index, this.owner, {
          status: 'failed',
          output: outcome.output,
          error: outcome.error,
        });
        await this.emit(Events.WorkflowStepFailed, {
          runId: run.id,
          step: step.name,
          capability: step.capability,
          error: outcome.error,
        });
        await this.finish(run, 'failed', {
          code: outcome.error.code,
          message: `step "${step.name}" failed: ${outcome.error.message}`,
        });
        return;
      }
      await this.runs.finishStep(run.id, step.index, this.owner, { status: 'succeeded', output: outcome.output });
      await this.emit(Events.WorkflowStepCompleted, { runId: run.id, step: step.name, capability: step.capability });
      outputs.set(step.name, outcome.output);
    }
    await this.finish(run, 'succeeded');
  }

  private async dispatch(
    runId: string,
    index: number,
    capability: string,
    input: Record<string, unknown>,
  ): Promise<
    { ok: true; output: unknown } | { ok: false; output?: unknown; error: { code: string; message: string } }
  > {
    const record = new BusRecordBuilder({ capability, input })
      .setIdempotencyKey(`wf:${runId}:${index}`)
      .setTimeout(STEP_TIMEOUT_MS[capability] ?? 120_000)
      .build();
    const giveUpAt = Date.now() + 2 * (STEP_TIMEOUT_MS[capability] ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await lastValueFrom(this.bus.send<DispatchResult>(Patterns.DispatcherExecute, record));
        const verdict = judgeStepOutput(capability, result.output);
        return verdict.ok
          ? { ok: true, output: result.output }
          : { ok: false, output: result.output, error: { code: verdict.code, message: verdict.message } };
      } catch (error) {
        // An answer (the dispatcher's error) or a refusal (a typed client error) is the step's
        // outcome; only no answer at all is worth another send.
        const noAnswer = error instanceof RequestTimeoutException || !(error instanceof BusRpcException);
        if (!noAnswer || this.stopping || Date.now() >= giveUpAt) {
          const code = error instanceof BusRpcException ? error.code : 'DISPATCH_FAILED';
          const message = error instanceof BusRpcException ? error.payload.message : String(error);
          return { ok: false, error: { code, message } };
        }
        // No answer: the database was away or the reply did not come in time. The same key again
        // either starts the step or waits for the outcome of the dispatch already under way.
        this.logger.warn(`dispatching step ${index} of run ${runId} got no answer (${String(error)}); sending again`);
        await new Promise((done) => setTimeout(done, Math.min(5_000, 250 * 2 ** attempt)));
      }
    }
  }

  private async finish(
    run: RunRecord,
    status: 'succeeded' | 'failed',
    error?: { code: string; message: string },
  ): Promise<void> {
    if (!(await this.runs.finishRun(run.id, this.owner, status, error))) return;
    await this.emit(status === 'succeeded' ? Events.WorkflowCompleted : Events.WorkflowFailed, {
      runId: run.id,
      template: run.template,
      ...(error ? { error } : {}),
    });
    if (run.decisionId) {
      await this.emit(Events.OrchestratorDecisionOutcome, {
        decisionId: run.decisionId,
        runId: run.id,
        template: run.template,
        outcome: status,
        replanned: false,
      });
    }
  }

  private async emit(type: string, data: Record<string, unknown>): Promise<void> {
    try {
      await lastValueFrom(this.bus.emit(type, data));
    } catch (error) {
      // Events are history, not control flow: a failed publish must not fail the run.
      this.logger.warn(`could not publish ${type}: ${String(error)}`);
    }
  }
}
