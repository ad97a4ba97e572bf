/** The workflow templates the orchestrator can choose (DESIGN §5). */
export const WORKFLOW_TEMPLATES = ['indexing', 'codeBuildTest'] as const;

export type WorkflowTemplate = (typeof WORKFLOW_TEMPLATES)[number];

/**
 * What an intent tests: `clear` has exactly one right template; `ambiguous` could mean several
 * things, so the right answer is to ask (template `null`); `invalid` is empty, gibberish, harmful or
 * outside what the system does, so the right answer is also no template.
 */
export const EVALUATION_KINDS = ['clear', 'ambiguous', 'invalid'] as const;

export type EvaluationKind = (typeof EVALUATION_KINDS)[number];

/** One labelled intent of the offline evaluation set. */
export interface EvaluationCase {
  readonly intent: string;
  /** The template a good planner picks, or `null` when it should ask for clarification or refuse. */
  readonly expected: WorkflowTemplate | null;
  readonly kind: EvaluationKind;
  /** Why the label is what it is, for the cases where that is not obvious. */
  readonly note?: string;
}

/**
 * Where the labelled set lives, relative to the repository root. The library does no file I/O: a
 * caller reads this file and hands its parsed JSON to `parseEvaluationSet`.
 */
export const EVALUATION_SET_PATH = 'libs/gates/src/evaluation/intents.eval.json';
