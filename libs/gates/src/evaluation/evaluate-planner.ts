import { compareCodePoints } from '../samples/code-point-order';
import { EVALUATION_KINDS, type EvaluationCase, type EvaluationKind } from './evaluation-case';

/** What the evaluation needs from a plan: the chosen template, or `null` to ask for clarification / refuse. */
export interface PlannerChoice {
  readonly template: string | null;
}

/** A planner under evaluation: intent in, chosen template out. Anything else it returns is ignored. */
export type Planner = (intent: string) => PlannerChoice;

/** A case the planner got wrong. */
export interface PlannerMiss {
  readonly intent: string;
  readonly kind: EvaluationKind;
  readonly expected: string | null;
  /** `null` when the planner asked for clarification, refused, or threw. */
  readonly predicted: string | null;
  readonly note?: string;
  /** The message of the error the planner threw, if it threw. */
  readonly error?: string;
}

/** How often the planner chose `predicted` where `expected` was right. */
export interface ConfusionEntry {
  readonly expected: string | null;
  readonly predicted: string | null;
  readonly count: number;
}

/** Recall and precision of one label; the label `null` stands for "no template" (clarify or refuse). */
export interface TemplateScore {
  readonly template: string | null;
  /** Cases labelled with this template. */
  readonly expected: number;
  /** Cases where the planner chose it. */
  readonly predicted: number;
  readonly correct: number;
  /** `correct / expected`, `null` when no case expects it. */
  readonly recall: number | null;
  /** `correct / predicted`, `null` when the planner never chose it. */
  readonly precision: number | null;
}

export interface KindScore {
  readonly cases: number;
  readonly correct: number;
  readonly accuracy: number | null;
}

/** Offline decision quality of a planner on a labelled set. */
export interface PlannerEvaluation {
  readonly cases: number;
  readonly correct: number;
  /** Cases where the planner threw; they are misses, and are left out of `perTemplate` and `confusion`. */
  readonly errors: number;
  /** `correct / cases`, `null` for an empty set. */
  readonly accuracy: number | null;
  readonly byKind: Readonly<Record<EvaluationKind, KindScore>>;
  /** One entry per label that was expected or predicted, templates first, `null` last. */
  readonly perTemplate: readonly TemplateScore[];
  /** Every (expected, predicted) pair among the answered cases, in the same label order. */
  readonly confusion: readonly ConfusionEntry[];
  /** The cases the planner got wrong, in the order of the set. */
  readonly misses: readonly PlannerMiss[];
}

/**
 * Offline decision quality: runs `planner` on every intent of `evaluationSet` and scores exact
 * template matches. A planner that throws has made a mistake, whatever the label: refusing is
 * returning template `null`, not crashing.
 */
export function evaluatePlanner(planner: Planner, evaluationSet: readonly EvaluationCase[]): PlannerEvaluation {
  const outcomes = evaluationSet.map((evaluationCase) => {
    try {
      return { evaluationCase, predicted: planner(evaluationCase.intent).template, error: undefined };
    } catch (caught) {
      const error = caught instanceof Error ? caught.message : String(caught);
      return { evaluationCase, predicted: null, error };
    }
  });
  const isCorrect = (outcome: (typeof outcomes)[number]): boolean =>
    outcome.error === undefined && outcome.predicted === outcome.evaluationCase.expected;

  const correct = outcomes.filter(isCorrect).length;
  const answered = outcomes.filter((outcome) => outcome.error === undefined);
  const byKind = Object.fromEntries(
    EVALUATION_KINDS.map((kind) => {
      const ofKind = outcomes.filter((outcome) => outcome.evaluationCase.kind === kind);
      const right = ofKind.filter(isCorrect).length;
      return [kind, { cases: ofKind.length, correct: right, accuracy: ratio(right, ofKind.length) }];
    }),
  ) as Record<EvaluationKind, KindScore>;

  const labels = orderLabels([
    ...outcomes.map((outcome) => outcome.evaluationCase.expected),
    ...answered.map((outcome) => outcome.predicted),
  ]);
  const perTemplate = labels.map((template): TemplateScore => {
    const expected = outcomes.filter((outcome) => outcome.evaluationCase.expected === template).length;
    const predicted = answered.filter((outcome) => outcome.predicted === template).length;
    const right = answered.filter((outcome) => isCorrect(outcome) && outcome.predicted === template).length;
    return {
      template,
      expected,
      predicted,
      correct: right,
      recall: ratio(right, expected),
      precision: ratio(right, predicted),
    };
  });
  const confusion = labels.flatMap((expected) =>
    labels
      .map((predicted) => ({
        expected,
        predicted,
        count: answered.filter(
          (outcome) => outcome.evaluationCase.expected === expected && outcome.predicted === predicted,
        ).length,
      }))
      .filter((entry) => entry.count > 0),
  );
  const misses = outcomes
    .filter((outcome) => !isCorrect(outcome))
    .map(({ evaluationCase, predicted, error }): PlannerMiss => ({
      intent: evaluationCase.intent,
      kind: evaluationCase.kind,
      expected: evaluationCase.expected,
      predicted,
      ...(evaluationCase.note === undefined ? {} : { note: evaluationCase.note }),
      ...(error === undefined ? {} : { error }),
    }));

  return {
    cases: outcomes.length,
    correct,
    errors: outcomes.length - answered.length,
    accuracy: ratio(correct, outcomes.length),
    byKind,
    perTemplate,
    confusion,
    misses,
  };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function orderLabels(labels: readonly (string | null)[]): (string | null)[] {
  const templates = [...new Set(labels.filter((label): label is string => label !== null))].sort(compareCodePoints);
  return labels.includes(null) ? [...templates, null] : templates;
}
