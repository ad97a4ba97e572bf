import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient, PermanentRpcException } from '@cogo/bus';
import {
  type ExecuteAccepted,
  type ExecuteRequestDto,
  Events,
  type IntakeRequestDto,
  type Plan,
  type RunState,
  type WorkflowTemplate,
} from '@cogo/contracts';
import { childSpan, currentTrace } from '@cogo/tracing';
import { PlanningService } from '../planning/planning.service';
import { TEMPLATES } from '../planning/workflow-templates';
import { RunRepository } from './run.repository';
import { WorkflowRunner } from './workflow-runner.service';

/** Starts workflow runs (from a plan, or planning first) and reports where they stand. */
@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunRepository,
    private readonly planning: PlanningService,
    private readonly runner: WorkflowRunner,
    private readonly bus: BusClient,
  ) {}

  async execute(request: ExecuteRequestDto): Promise<ExecuteAccepted> {
    const { plan, input } = await this.planFor(request);
    if (!plan.template) {
      throw new PermanentRpcException('UNPLANNABLE', `No workflow fits this intent: ${plan.reason}`, {
        decisionId: plan.decisionId,
      });
    }
    return this.start(plan, plan.template, input, request.idempotencyKey);
  }

  /** An external intent from the Edge Function: plan and run it. */
  intake(request: IntakeRequestDto): Promise<ExecuteAccepted> {
    return this.execute({ intent: request.intent, template: request.template, input: request.input });
  }

  async state(runId: string): Promise<RunState> {
    const state = await this.runs.state(runId);
    if (!state) throw new PermanentRpcException('RUN_NOT_FOUND', `There is no workflow run ${runId}.`);
    return state;
  }

  private async planFor(request: ExecuteRequestDto): Promise<{ plan: Plan; input: Record<string, unknown> }> {
    if (request.planId) {
      const plan = await this.runs.findPlan(request.planId);
      if (!plan)
        throw new PermanentRpcException(
          'PLAN_NOT_FOUND',
          `There is no plan ${request.planId}; make one with orchestrator.plan.`,
        );
      return { plan, input: plan.input };
    }
    if (!request.intent && !request.template) {
      throw new PermanentRpcException(
        'INVALID_INPUT',
        'Give a planId, or an intent (and/or a template) with the input to run.',
      );
    }
    const plan = await this.planning.plan({
      intent: request.intent ?? `run the ${request.template} workflow`,
      template: request.template,
      input: request.input ?? {},
    });
    return { plan, input: request.input ?? {} };
  }

  private async start(
    plan: Plan,
    template: WorkflowTemplate,
    input: Record<string, unknown>,
    idempotencyKey: string | undefined,
  ): Promise<ExecuteAccepted> {
    const problems = TEMPLATES[template].validate(input);
    if (problems.length > 0) {
      throw new PermanentRpcException(
        'INVALID_INPUT',
        `The input does not fit the "${template}" template: ${problems.join('; ')}`,
        {
          template,
          problems,
        },
      );
    }
    const span = childSpan(currentTrace());
    const created = await this.runs.createRun({
      id: randomUUID(),
      planId: plan.planId,
      decisionId: plan.decisionId,
      template,
      traceId: span.traceId,
      spanId: span.spanId,
      input,
      idempotencyKey: idempotencyKey ?? null,
      steps: TEMPLATES[template].steps(input),
      owner: this.runner.owner,
      leaseMs: this.runner.leaseMs,
    });
    if (created.created) {
      await lastValueFrom(
        this.bus.emit(Events.WorkflowStarted, { runId: created.id, template, decisionId: plan.decisionId }),
      );
      this.runner.drive(created.id);
    }
    const state = await this.runs.state(created.id);
    return { runId: created.id, traceId: created.traceId, template, status: state?.status ?? 'running' };
  }
}
