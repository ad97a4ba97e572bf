import type { DecisionRecord } from '@cogo/gates';

/** An `orchestrator.decision` event, as far as decision quality needs it. */
export interface DecisionFact {
  readonly decisionId: string | null;
  /** The chosen template, `null` when the intent fit none (ambiguous or refused). */
  readonly template: string | null;
}

/** An `orchestrator.decision.outcome` event: how the workflow a decision started ended. */
export interface OutcomeFact {
  readonly decisionId: string;
  readonly outcome: string | null;
  readonly replanned: boolean;
  readonly at: Date;
}

export interface JoinedDecisions {
  /** Decisions with a template, each with where its workflow stands. */
  readonly records: DecisionRecord[];
  /** Distinct decisions, with a template or not. */
  readonly decisions: number;
  readonly withoutTemplate: number;
}

/**
 * Joins decisions with the outcomes of their workflows. A decision published twice counts once; a
 * decision without a template started no workflow and is only counted; one whose workflow has
 * not reported is `pending`. With several outcomes (a run resumed and finished again) the latest
 * decides, and a replan reported by any of them counts.
 */
export function joinDecisions(decisions: readonly DecisionFact[], outcomes: readonly OutcomeFact[]): JoinedDecisions {
  const templates = new Map<string, string | null>();
  for (const decision of decisions) {
    if (decision.decisionId && !templates.has(decision.decisionId)) {
      templates.set(decision.decisionId, decision.template || null);
    }
  }
  const reports = new Map<string, OutcomeFact[]>();
  for (const outcome of [...outcomes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (outcome.outcome !== 'succeeded' && outcome.outcome !== 'failed') continue;
    const known = reports.get(outcome.decisionId);
    if (known) known.push(outcome);
    else reports.set(outcome.decisionId, [outcome]);
  }
  const records: DecisionRecord[] = [];
  for (const [decisionId, template] of templates) {
    if (template === null) continue;
    const reported = reports.get(decisionId) ?? [];
    const latest = reported.at(-1);
    records.push({
      decisionId,
      template,
      outcome: latest ? (latest.outcome as 'succeeded' | 'failed') : 'pending',
      replanned: reported.some((outcome) => outcome.replanned),
    });
  }
  return { records, decisions: templates.size, withoutTemplate: templates.size - records.length };
}
