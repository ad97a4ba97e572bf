import { Injectable } from '@nestjs/common';
import { decisionQuality, evaluatePlanner } from '@cogo/gates';
import type { DecisionQualityReport } from '@cogo/telemetry';
import { chooseTemplate } from '../planning/intent-planner';
import { DecisionEventRepository } from './decision-event.repository';
import { joinDecisions } from './decision-records';
import { EvaluationSetRepository } from './evaluation-set.repository';

/**
 * Decision quality of this orchestrator: online, the share of its recent decisions whose workflow
 * succeeded without replanning; offline, the accuracy of its planner on the labelled set.
 */
@Injectable()
export class DecisionQualityService {
  constructor(
    private readonly events: DecisionEventRepository,
    private readonly evaluationSet: EvaluationSetRepository,
  ) {}

  async report(windowMs: number): Promise<DecisionQualityReport> {
    const { from, to, decisions } = await this.events.decisionsWithin(windowMs);
    const ids = [...new Set(decisions.flatMap((decision) => (decision.decisionId ? [decision.decisionId] : [])))];
    const joined = joinDecisions(decisions, await this.events.outcomesOf(ids, from));
    const { byTemplate, ...online } = decisionQuality(joined.records);
    const evaluation = evaluatePlanner(chooseTemplate, await this.evaluationSet.load());
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      online: {
        ...online,
        decisions: joined.decisions,
        withoutTemplate: joined.withoutTemplate,
        byTemplate: Object.entries(byTemplate).map(([template, tally]) => ({ template, ...tally })),
      },
      offline: {
        evaluationSet: this.evaluationSet.path,
        cases: evaluation.cases,
        correct: evaluation.correct,
        errors: evaluation.errors,
        accuracy: evaluation.accuracy,
        byKind: Object.entries(evaluation.byKind).map(([kind, score]) => ({
          kind: kind as keyof typeof evaluation.byKind,
          ...score,
        })),
        perTemplate: evaluation.perTemplate,
        confusion: evaluation.confusion,
        misses: evaluation.misses,
      },
    };
  }
}
