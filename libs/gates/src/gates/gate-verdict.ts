import type { PlannerEvaluation } from '../evaluation/evaluate-planner';
import type { DecisionQuality } from '../measures/decision-quality';
import type { FailureRate } from '../measures/failure-rate';
import type { DecisionRecord } from '../samples/decision-record';
import type { OutcomeSample } from '../samples/outcome-sample';
import type { LatencySummary } from '../statistics/latency-summary';

/** The kinds of gate; each reads its own samples and minimum count. */
export const GATE_FAMILIES = [
  'failure_rate',
  'latency',
  'decision_quality_online',
  'decision_quality_offline',
] as const;

export type GateFamily = (typeof GATE_FAMILIES)[number];

/**
 * `pass` and `fail` compare the value with the threshold; `insufficient` means too few samples to
 * judge, which fails the run on its own: a gate that measured nothing must not pass.
 */
export type GateStatus = 'pass' | 'fail' | 'insufficient';

/** `<=` for a ceiling (`max`), `>=` for a floor (`min`). */
export type GateComparator = '<=' | '>=';

/** `share` is a fraction from 0 to 1; `ms` is milliseconds. */
export type GateUnit = 'share' | 'ms';

/** The judgement of one gate. */
export interface GateVerdict {
  /** e.g. `failure_rate`, `latency_p90_ms`, `latency_p90_ms[execute]`, `decision_quality_online`. */
  readonly gate: string;
  readonly family: GateFamily;
  /** Set for a per-pattern gate. */
  readonly pattern?: string;
  /** The measured value, `null` when there was nothing to measure. */
  readonly value: number | null;
  readonly threshold: number;
  readonly comparator: GateComparator;
  readonly unit: GateUnit;
  readonly samples: number;
  readonly minSamples: number;
  readonly status: GateStatus;
}

/** What the gates judge. A family whose samples are left out is judged on none, so it is `insufficient`. */
export interface GateSamples {
  readonly outcomes?: readonly OutcomeSample[];
  readonly decisions?: readonly DecisionRecord[];
  /** The result of `evaluatePlanner` on the labelled set. */
  readonly plannerEvaluation?: PlannerEvaluation;
}

/** The figures behind the verdicts, for the JSON report; only the judged families are present. */
export interface GatesMeasurements {
  readonly failureRate?: {
    readonly overall: FailureRate;
    readonly perPattern: Readonly<Record<string, FailureRate>>;
  };
  readonly latency?: {
    readonly overall: LatencySummary;
    readonly perPattern: Readonly<Record<string, LatencySummary>>;
  };
  readonly decisionQuality?: DecisionQuality;
  readonly plannerEvaluation?: PlannerEvaluation;
}

/** The verdict of every gate and of the run. */
export interface GatesReport {
  /** True only when at least one gate was judged and all passed; any `fail` or `insufficient` fails the run. */
  readonly passed: boolean;
  readonly configVersion: number;
  readonly verdicts: readonly GateVerdict[];
  readonly measurements: GatesMeasurements;
}
