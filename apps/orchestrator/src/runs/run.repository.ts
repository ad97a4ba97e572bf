import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { Plan, PlanStep, RunState, RunStatus, StepState, StepStatus, WorkflowTemplate } from '@cogo/contracts';
import { PG_POOL } from '@cogo/store';

export interface NewRun {
  readonly id: string;
  readonly planId: string | null;
  readonly decisionId: string | null;
  readonly template: WorkflowTemplate;
  readonly traceId: string;
  readonly spanId: string;
  readonly input: Record<string, unknown>;
  readonly idempotencyKey: string | null;
  readonly steps: readonly PlanStep[];
  readonly owner: string;
  readonly leaseMs: number;
}

/** A run as its driver needs it. */
export interface RunRecord {
  readonly id: string;
  readonly decisionId: string | null;
  readonly template: WorkflowTemplate;
  readonly status: RunStatus;
  readonly traceId: string;
  readonly spanId: string;
  readonly steps: readonly StepRecord[];
}

export interface StepRecord {
  readonly index: number;
  readonly name: string;
  readonly capability: string;
  readonly input: Record<string, unknown>;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly output: unknown;
}

interface RunRow {
  id: string;
  plan_id: string | null;
  decision_id: string | null;
  template: WorkflowTemplate;
  status: RunStatus;
  trace_id: string;
  span_id: string;
  error: { code: string; message: string } | null;
  created_at: Date;
  finished_at: Date | null;
}

interface StepRow {
  index: number;
  name: string;
  capability: string;
  input: Record<string, unknown>;
  status: StepStatus;
  attempts: number;
  output: unknown;
  error: { code: string; message: string } | null;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * The orchestrator's tables: plans, runs and steps. Every change a driver makes to a run is
 * fenced on `owner`, so a driver that lost its lease to another orchestrator instance changes
 * nothing.
 */
@Injectable()
export class RunRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async savePlan(plan: Plan, traceId: string, input: Record<string, unknown>): Promise<void> {
    await this.pool.query(
      `insert into workflow_plans (id, decision_id, trace_id, intent, template, confidence, reason, steps, rejected, input)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (id) do nothing`,
      [
        plan.planId,
        plan.decisionId,
        traceId,
        plan.intent,
        plan.template,
        plan.confidence,
        plan.reason,
        JSON.stringify(plan.steps),
        JSON.stringify(plan.rejected),
        JSON.stringify(input),
      ],
    );
  }

  async findPlan(planId: string): Promise<(Plan & { input: Record<string, unknown> }) | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      decision_id: string;
      intent: string;
      template: WorkflowTemplate | null;
      confidence: number;
      reason: string;
      steps: PlanStep[];
      rejected: Plan['rejected'];
      input: Record<string, unknown>;
    }>('select * from workflow_plans where id = $1', [planId]);
    const row = rows[0];
    return (
      row && {
        planId: row.id,
        decisionId: row.decision_id,
        intent: row.intent,
        template: row.template,
        confidence: row.confidence,
        reason: row.reason,
        steps: row.steps,
        rejected: row.rejected,
        input: row.input,
      }
    );
  }

  /** Creates the run with its steps, owned by `owner`; a repeated idempotency key returns the first run. */
  async createRun(run: NewRun): Promise<{ id: string; traceId: string; created: boolean }> {
    return this.transaction(async (client) => {
      const inserted = await client.query<{ id: string; trace_id: string }>(
        `insert into workflow_runs (id, plan_id, decision_id, template, trace_id, span_id, input, idempotency_key, owner, lease_until)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10 / 1000.0))
         on conflict (idempotency_key) do nothing
         returning id, trace_id`,
        [
          run.id,
          run.planId,
          run.decisionId,
          run.template,
          run.traceId,
          run.spanId,
          JSON.stringify(run.input),
          run.idempotencyKey,
          run.owner,
          run.leaseMs,
        ],
      );
      if (inserted.rows.length === 0) {
        const existing = await client.query<{ id: string; trace_id: string }>(
          'select id, trace_id from workflow_runs where idempotency_key = $1',
          [run.idempotencyKey],
        );
        return { id: existing.rows[0].id, traceId: existing.rows[0].trace_id, created: false };
      }
      for (const [index, step] of run.steps.entries()) {
        await client.query(
          'insert into workflow_steps (run_id, index, name, capability, input) values ($1, $2, $3, $4, $5)',
          [run.id, index, step.name, step.capability, JSON.stringify(step.input)],
        );
      }
      return { id: run.id, traceId: run.traceId, created: true };
    });
  }

  async loadForDriver(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query<RunRow>('select * from workflow_runs where id = $1', [runId]);
    const run = rows[0];
    if (!run) return undefined;
    const steps = await this.steps(runId);
    return {
      id: run.id,
      decisionId: run.decision_id,
      template: run.template,
      status: run.status,
      traceId: run.trace_id,
      spanId: run.span_id,
      steps: steps.map((step) => ({
        index: step.index,
        name: step.name,
        capability: step.capability,
        input: step.input,
        status: step.status,
        attempts: step.attempts,
        output: step.output,
      })),
    };
  }

  async state(runId: string): Promise<RunState | undefined> {
    const { rows } = await this.pool.query<RunRow>('select * from workflow_runs where id = $1', [runId]);
    const run = rows[0];
    if (!run) return undefined;
    const steps = await this.steps(runId);
    return {
      runId: run.id,
      traceId: run.trace_id,
      template: run.template,
      status: run.status,
      decisionId: run.decision_id,
      createdAt: run.created_at.toISOString(),
      finishedAt: run.finished_at?.toISOString() ?? null,
      error: run.error,
      steps: steps.map((step): StepState => ({
        index: step.index,
        name: step.name,
        capability: step.capability,
        status: step.status,
        attempts: step.attempts,
        output: step.output,
        error: step.error,
        startedAt: step.started_at?.toISOString() ?? null,
        finishedAt: step.finished_at?.toISOString() ?? null,
      })),
    };
  }

  /** Takes over running runs whose driver's lease ran out (a crashed or stopped orchestrator). */
  async claimOrphans(owner: string, leaseMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `update workflow_runs r
       set owner = $1, lease_until = now() + make_interval(secs => $2 / 1000.0), updated_at = now()
       where r.id in (
         select id from workflow_runs
         where status = 'running' and (lease_until is null or lease_until < now())
         order by created_at
         limit $3
         for update skip locked)
       returning r.id`,
      [owner, leaseMs, limit],
    );
    return rows.map((row) => row.id);
  }

  async renewLease(runId: string, owner: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update workflow_runs set lease_until = now() + make_interval(secs => $3 / 1000.0), updated_at = now()
       where id = $1 and owner = $2 and status = 'running'`,
      [runId, owner, leaseMs],
    );
    return rowCount === 1;
  }

  /** Hands a run back (graceful shutdown) so another instance resumes it at once. */
  async releaseRun(runId: string, owner: string): Promise<void> {
    await this.pool.query(
      "update workflow_runs set lease_until = null, owner = null where id = $1 and owner = $2 and status = 'running'",
      [runId, owner],
    );
  }

  async startStep(runId: string, index: number, owner: string, input: Record<string, unknown>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update workflow_steps s set status = 'running', attempts = s.attempts + 1, started_at = now(), input = $4
       from workflow_runs r
       where s.run_id = $1 and s.index = $2 and r.id = s.run_id and r.owner = $3 and r.status = 'running'`,
      [runId, index, owner, JSON.stringify(input)],
    );
    return rowCount === 1;
  }

  async finishStep(
    runId: string,
    index: number,
    owner: string,
    outcome: { status: 'succeeded' | 'failed'; output?: unknown; error?: { code: string; message: string } },
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update workflow_steps s set status = $4, output = $5, error = $6, finished_at = now()
       from workflow_runs r
       where s.run_id = $1 and s.index = $2 and r.id = s.run_id and r.owner = $3 and r.status = 'running'`,
      [
        runId,
        index,
        owner,
        outcome.status,
        outcome.output === undefined ? null : JSON.stringify(outcome.output),
        outcome.error ? JSON.stringify(outcome.error) : null,
      ],
    );
    return rowCount === 1;
  }

  async finishRun(
    runId: string,
    owner: string,
    status: 'succeeded' | 'failed',
    error?: { code: string; message: string },
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `update workflow_runs set status = $3, error = $4, finished_at = now(), updated_at = now(), lease_until = null
       where id = $1 and owner = $2 and status = 'running'`,
      [runId, owner, status, error ? JSON.stringify(error) : null],
    );
    return rowCount === 1;
  }

  private async steps(runId: string): Promise<StepRow[]> {
    const { rows } = await this.pool.query<StepRow>('select * from workflow_steps where run_id = $1 order by index', [
      runId,
    ]);
    return rows;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
