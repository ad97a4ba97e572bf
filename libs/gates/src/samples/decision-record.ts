/** Where the workflow started by an orchestrator decision stands. */
export const DECISION_OUTCOMES = ['succeeded', 'failed', 'pending'] as const;

export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** One `orchestrator.decision` joined with the fate of the workflow it started. */
export interface DecisionRecord {
  readonly decisionId: string;
  /** The workflow template the orchestrator chose, e.g. `codeBuildTest`. */
  readonly template: string;
  readonly outcome: DecisionOutcome;
  /** Whether the workflow had to be planned again before it finished. */
  readonly replanned: boolean;
}
