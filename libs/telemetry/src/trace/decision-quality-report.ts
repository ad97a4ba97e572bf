import type { ConfusionEntry, DecisionTally, EvaluationKind, KindScore, PlannerMiss, TemplateScore } from '@cogo/gates';

/**
 * The orchestrator's answer to `orchestrator.decision-quality`, served by
 * `GET /api/metrics/decision-quality`. Maps keyed by data (templates, kinds) are lists here, so the
 * snake_case conversion of the HTTP wire never rewrites a template name.
 */
export interface DecisionQualityReport {
  /** The window the online figures cover, on the database clock (ISO timestamps). */
  readonly from: string;
  readonly to: string;
  readonly online: OnlineDecisionQuality;
  readonly offline: OfflineDecisionQuality;
}

/**
 * Decisions recorded in the window (`orchestrator.decision` events) joined with the outcome of
 * the workflow each started (`orchestrator.decision.outcome`).
 */
export interface OnlineDecisionQuality extends DecisionTally {
  /** Decisions in the window, with a template or not. */
  readonly decisions: number;
  /** Decisions that chose no template (ambiguous or refused intents): no workflow to judge. */
  readonly withoutTemplate: number;
  /** Decisions with a template whose workflow has no outcome yet. */
  readonly pending: number;
  readonly byTemplate: readonly (DecisionTally & { readonly template: string })[];
}

/** The planner scored on the labelled evaluation set. */
export interface OfflineDecisionQuality {
  /** The evaluation set file, relative to the repository root. */
  readonly evaluationSet: string;
  readonly cases: number;
  readonly correct: number;
  readonly errors: number;
  readonly accuracy: number | null;
  readonly byKind: readonly (KindScore & { readonly kind: EvaluationKind })[];
  readonly perTemplate: readonly TemplateScore[];
  readonly confusion: readonly ConfusionEntry[];
  readonly misses: readonly PlannerMiss[];
}
