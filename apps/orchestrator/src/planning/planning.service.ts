import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient, PermanentRpcException, deliveryScopedId } from '@cogo/bus';
import { Events, type Plan, type PlanRequestDto, WORKFLOW_TEMPLATES, type WorkflowTemplate } from '@cogo/contracts';
import { currentTrace } from '@cogo/tracing';
import { RunRepository } from '../runs/run.repository';
import { chooseTemplate, type TemplateChoice } from './intent-planner';
import { TEMPLATES } from './workflow-templates';

/**
 * Turns an intent into a plan: a template and its steps. Every plan is a decision, recorded as an
 * `orchestrator.decision` event with the alternatives it rejected, so its outcome can be judged later.
 */
@Injectable()
export class PlanningService {
  constructor(
    private readonly runs: RunRepository,
    private readonly bus: BusClient,
  ) {}

  async plan(request: PlanRequestDto): Promise<Plan> {
    const choice: TemplateChoice = request.template
      ? {
          template: request.template,
          confidence: 1,
          reason: `The caller chose the "${request.template}" template.`,
          scores: { indexing: 0, codeBuildTest: 0, [request.template]: 1 },
          kind: 'clear',
        }
      : chooseTemplate(request.intent);
    const input = request.input ?? {};
    if (choice.template && request.input) {
      const problems = TEMPLATES[choice.template].validate(input);
      if (problems.length > 0) {
        throw new PermanentRpcException(
          'INVALID_INPUT',
          `The input does not fit the "${choice.template}" template: ${problems.join('; ')}`,
          { template: choice.template, problems },
        );
      }
    }
    const plan: Plan = {
      // Derived from the message when planning inside a bus handler: a re-run after a crash
      // makes the same plan and decision, not a second one.
      planId: deliveryScopedId('plan'),
      decisionId: deliveryScopedId('decision'),
      intent: request.intent,
      template: choice.template,
      confidence: choice.confidence,
      reason: choice.reason,
      steps: choice.template ? TEMPLATES[choice.template].steps(input) : [],
      rejected: WORKFLOW_TEMPLATES.filter((template) => template !== choice.template).map((template) => ({
        template,
        score: choice.scores[template],
        reason: rejectionReason(template, choice),
      })),
    };
    await this.runs.savePlan(plan, currentTrace()?.traceId ?? randomTraceId(), input);
    await lastValueFrom(
      this.bus.emit(Events.OrchestratorDecision, {
        decisionId: plan.decisionId,
        planId: plan.planId,
        intent: plan.intent,
        template: plan.template,
        kind: choice.kind,
        confidence: plan.confidence,
        reason: plan.reason,
        scores: choice.scores,
        rejected: plan.rejected,
      }),
    );
    return plan;
  }
}

function rejectionReason(template: WorkflowTemplate, choice: TemplateChoice): string {
  if (choice.kind === 'invalid') return 'not considered: the intent is invalid';
  if (choice.template === null) return `scored ${choice.scores[template]}; no template was clearly asked for`;
  return `scored ${choice.scores[template]} against ${choice.scores[choice.template]} for ${choice.template}`;
}

function randomTraceId(): string {
  return randomUUID().replace(/-/g, '');
}
