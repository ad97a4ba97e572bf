import { compareCodePoints } from '../samples/code-point-order';
import type { DecisionRecord } from '../samples/decision-record';

/** How many decided workflows succeeded at the first plan. */
export interface DecisionTally {
  /** Decisions whose workflow has finished: the denominator. Pending ones are not counted. */
  readonly decided: number;
  /** Succeeded without replanning: the numerator. */
  readonly clean: number;
  /** Succeeded, but only after a replan. */
  readonly replanned: number;
  readonly failed: number;
  /** `clean / decided`, or `null` when nothing has been decided yet. */
  readonly score: number | null;
}

/** Online decision quality, overall and per template. */
export interface DecisionQuality extends DecisionTally {
  /** Decisions whose workflow is still running; left out of every share. */
  readonly pending: number;
  readonly byTemplate: Readonly<Record<string, DecisionTally>>;
}

/**
 * Online decision quality: the share of orchestrator decisions whose workflow succeeded without
 * replanning. A workflow that failed, or that needed a second plan to succeed, counts against the
 * decision that started it; a pending one counts neither way until it finishes.
 */
export function decisionQuality(decisions: readonly DecisionRecord[]): DecisionQuality {
  const byTemplate = new Map<string, DecisionRecord[]>();
  for (const decision of decisions) {
    const group = byTemplate.get(decision.template);
    if (group) group.push(decision);
    else byTemplate.set(decision.template, [decision]);
  }
  return {
    ...tally(decisions),
    pending: decisions.filter((decision) => decision.outcome === 'pending').length,
    byTemplate: Object.fromEntries(
      [...byTemplate].sort(([a], [b]) => compareCodePoints(a, b)).map(([template, group]) => [template, tally(group)]),
    ),
  };
}

function tally(decisions: readonly DecisionRecord[]): DecisionTally {
  let clean = 0;
  let replanned = 0;
  let failed = 0;
  for (const decision of decisions) {
    switch (decision.outcome) {
      case 'succeeded':
        if (decision.replanned) replanned += 1;
        else clean += 1;
        break;
      case 'failed':
        failed += 1;
        break;
      case 'pending':
        break;
    }
  }
  const decided = clean + replanned + failed;
  return { decided, clean, replanned, failed, score: decided === 0 ? null : clean / decided };
}
