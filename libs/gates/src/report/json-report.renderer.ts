import type { PlannerEvaluation } from '../evaluation/evaluate-planner';
import type { EvaluationKind } from '../evaluation/evaluation-case';
import type { GateComparator, GateFamily, GateStatus, GatesReport, GateUnit } from '../gates/gate-verdict';
import type { DecisionQuality, DecisionTally } from '../measures/decision-quality';
import type { FailureRate } from '../measures/failure-rate';
import type { MessageOutcome } from '../samples/outcome-sample';
import type { LatencySummary } from '../statistics/latency-summary';
import { countVerdicts, describeVerdict, type VerdictCounts } from './describe-verdict';

/** Bumped when a field of the JSON report changes meaning. */
export const GATES_REPORT_VERSION = 1;

export interface JsonGateVerdict {
  readonly gate: string;
  readonly family: GateFamily;
  readonly pattern: string | null;
  readonly status: GateStatus;
  readonly value: number | null;
  readonly threshold: number;
  readonly comparator: GateComparator;
  readonly unit: GateUnit;
  readonly samples: number;
  readonly min_samples: number;
  readonly message: string;
}

export interface JsonFailureRate {
  readonly samples: number;
  readonly failures: number;
  readonly rate: number | null;
  readonly by_outcome: Readonly<Record<MessageOutcome, number>>;
}

export interface JsonDecisionTally {
  readonly decided: number;
  readonly clean: number;
  readonly replanned: number;
  readonly failed: number;
  readonly score: number | null;
}

export interface JsonDecisionQuality extends JsonDecisionTally {
  readonly pending: number;
  readonly by_template: Readonly<Record<string, JsonDecisionTally>>;
}

export interface JsonPlannerEvaluation {
  readonly cases: number;
  readonly correct: number;
  readonly errors: number;
  readonly accuracy: number | null;
  readonly by_kind: Readonly<
    Record<EvaluationKind, { readonly cases: number; readonly correct: number; readonly accuracy: number | null }>
  >;
  readonly per_template: readonly {
    readonly template: string | null;
    readonly expected: number;
    readonly predicted: number;
    readonly correct: number;
    readonly recall: number | null;
    readonly precision: number | null;
  }[];
  readonly confusion: readonly {
    readonly expected: string | null;
    readonly predicted: string | null;
    readonly count: number;
  }[];
  readonly misses: readonly {
    readonly intent: string;
    readonly kind: EvaluationKind;
    readonly expected: string | null;
    readonly predicted: string | null;
    readonly note: string | null;
    readonly error: string | null;
  }[];
}

/** The report as written to the JSON file: snake_case keys, `null` for anything not measured. */
export interface GatesJsonReport {
  readonly report_version: typeof GATES_REPORT_VERSION;
  readonly config_version: number;
  readonly generated_at: string | null;
  readonly passed: boolean;
  readonly summary: VerdictCounts;
  readonly gates: readonly JsonGateVerdict[];
  readonly measurements: {
    readonly failure_rate: {
      readonly overall: JsonFailureRate;
      readonly per_pattern: Readonly<Record<string, JsonFailureRate>>;
    } | null;
    readonly latency_ms: {
      readonly overall: LatencySummary;
      readonly per_pattern: Readonly<Record<string, LatencySummary>>;
    } | null;
    readonly decision_quality_online: JsonDecisionQuality | null;
    readonly decision_quality_offline: JsonPlannerEvaluation | null;
  };
}

export interface JsonReportOptions {
  /** Written as `generated_at`; `null` when not given, so the output is reproducible. */
  readonly generatedAt?: Date;
}

/**
 * The report as a plain object for `JSON.stringify`. Keys are spelled explicitly rather than
 * converted, so pattern and template names, which are data, are never rewritten.
 */
export function toJsonReport(report: GatesReport, options: JsonReportOptions = {}): GatesJsonReport {
  const { failureRate, latency, decisionQuality, plannerEvaluation } = report.measurements;
  return {
    report_version: GATES_REPORT_VERSION,
    config_version: report.configVersion,
    generated_at: options.generatedAt?.toISOString() ?? null,
    passed: report.passed,
    summary: countVerdicts(report.verdicts),
    gates: report.verdicts.map((verdict) => ({
      gate: verdict.gate,
      family: verdict.family,
      pattern: verdict.pattern ?? null,
      status: verdict.status,
      value: verdict.value,
      threshold: verdict.threshold,
      comparator: verdict.comparator,
      unit: verdict.unit,
      samples: verdict.samples,
      min_samples: verdict.minSamples,
      message: describeVerdict(verdict),
    })),
    measurements: {
      failure_rate: failureRate
        ? {
            overall: jsonFailureRate(failureRate.overall),
            per_pattern: mapValues(failureRate.perPattern, jsonFailureRate),
          }
        : null,
      latency_ms: latency ? { overall: latency.overall, per_pattern: latency.perPattern } : null,
      decision_quality_online: decisionQuality ? jsonDecisionQuality(decisionQuality) : null,
      decision_quality_offline: plannerEvaluation ? jsonPlannerEvaluation(plannerEvaluation) : null,
    },
  };
}

function jsonFailureRate(rate: FailureRate): JsonFailureRate {
  return { samples: rate.samples, failures: rate.failures, rate: rate.rate, by_outcome: rate.byOutcome };
}

function jsonDecisionTally(tally: DecisionTally): JsonDecisionTally {
  return {
    decided: tally.decided,
    clean: tally.clean,
    replanned: tally.replanned,
    failed: tally.failed,
    score: tally.score,
  };
}

function jsonDecisionQuality(quality: DecisionQuality): JsonDecisionQuality {
  return {
    ...jsonDecisionTally(quality),
    pending: quality.pending,
    by_template: mapValues(quality.byTemplate, jsonDecisionTally),
  };
}

function jsonPlannerEvaluation(evaluation: PlannerEvaluation): JsonPlannerEvaluation {
  return {
    cases: evaluation.cases,
    correct: evaluation.correct,
    errors: evaluation.errors,
    accuracy: evaluation.accuracy,
    by_kind: evaluation.byKind,
    per_template: evaluation.perTemplate,
    confusion: evaluation.confusion,
    misses: evaluation.misses.map((miss) => ({
      intent: miss.intent,
      kind: miss.kind,
      expected: miss.expected,
      predicted: miss.predicted,
      note: miss.note ?? null,
      error: miss.error ?? null,
    })),
  };
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Readonly<Record<string, U>> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)] as const));
}
