import {
  LATENCY_PERCENTILES,
  type GatesConfig,
  type LatencyLimits,
  type LatencyPercentile,
} from '../config/gates-config';
import { decisionQuality } from '../measures/decision-quality';
import { failureRate, failureRateByPattern } from '../measures/failure-rate';
import { latencyByPattern, outcomeLatency } from '../measures/latency-by-pattern';
import { compareCodePoints } from '../samples/code-point-order';
import type { LatencySummary } from '../statistics/latency-summary';
import {
  GATE_FAMILIES,
  type GateComparator,
  type GateFamily,
  type GateSamples,
  type GatesMeasurements,
  type GatesReport,
  type GateUnit,
  type GateVerdict,
} from './gate-verdict';

export interface EvaluateGatesOptions {
  /**
   * The families to judge; all by default. A caller that judges a single trace, for instance,
   * judges failure rate and latency only, rather than failing on decisions it never made.
   */
  readonly families?: readonly GateFamily[];
}

/**
 * Judges every gate of `config` against `samples`. A gate is `insufficient` when it has fewer
 * samples than its minimum (per-pattern gates: `min_samples.per_pattern`), `pass` when its value is
 * on the right side of the threshold (equal passes), and `fail` otherwise. The run passes only when
 * at least one gate was judged and every gate passed.
 */
export function evaluateGates(
  config: GatesConfig,
  samples: GateSamples,
  options: EvaluateGatesOptions = {},
): GatesReport {
  const families = new Set(options.families ?? GATE_FAMILIES);
  const outcomes = samples.outcomes ?? [];
  const { minSamples } = config;
  const verdicts: GateVerdict[] = [];
  const measurements: Mutable<GatesMeasurements> = {};

  if (families.has('failure_rate')) {
    const overall = failureRate(outcomes);
    const perPattern = failureRateByPattern(outcomes);
    measurements.failureRate = { overall, perPattern };
    verdicts.push(
      judge({
        gate: 'failure_rate',
        family: 'failure_rate',
        ...ceiling(config.failureRate.max, 'share'),
        value: overall.rate,
        samples: overall.samples,
        minSamples: minSamples.outcomes,
      }),
    );
    for (const [pattern, limit] of sortedEntries(config.failureRate.perPattern)) {
      const measured = Object.hasOwn(perPattern, pattern) ? perPattern[pattern] : failureRate([]);
      verdicts.push(
        judge({
          gate: `failure_rate[${pattern}]`,
          family: 'failure_rate',
          pattern,
          ...ceiling(limit.max, 'share'),
          value: measured.rate,
          samples: measured.samples,
          minSamples: minSamples.perPattern,
        }),
      );
    }
  }

  if (families.has('latency')) {
    const overall = outcomeLatency(outcomes);
    const perPattern = latencyByPattern(outcomes);
    measurements.latency = { overall, perPattern };
    verdicts.push(...latencyVerdicts(config.latencyMs, overall, minSamples.outcomes));
    for (const [pattern, limits] of sortedEntries(config.latencyMs.perPattern)) {
      const measured = Object.hasOwn(perPattern, pattern) ? perPattern[pattern] : outcomeLatency([]);
      verdicts.push(...latencyVerdicts(limits, measured, minSamples.perPattern, pattern));
    }
  }

  if (families.has('decision_quality_online')) {
    const quality = decisionQuality(samples.decisions ?? []);
    measurements.decisionQuality = quality;
    verdicts.push(
      judge({
        gate: 'decision_quality_online',
        family: 'decision_quality_online',
        ...floor(config.decisionQuality.onlineMin),
        value: quality.score,
        samples: quality.decided,
        minSamples: minSamples.decisions,
      }),
    );
  }

  if (families.has('decision_quality_offline')) {
    const evaluation = samples.plannerEvaluation;
    if (evaluation) measurements.plannerEvaluation = evaluation;
    verdicts.push(
      judge({
        gate: 'decision_quality_offline',
        family: 'decision_quality_offline',
        ...floor(config.decisionQuality.offlineMin),
        value: evaluation?.accuracy ?? null,
        samples: evaluation?.cases ?? 0,
        minSamples: minSamples.evaluation,
      }),
    );
  }

  return {
    // No gate judged is no evidence either: an empty selection fails like an empty window.
    passed: verdicts.length > 0 && verdicts.every((verdict) => verdict.status === 'pass'),
    configVersion: config.version,
    verdicts,
    measurements,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function latencyVerdicts(
  limits: LatencyLimits,
  measured: LatencySummary,
  minSamples: number,
  pattern?: string,
): GateVerdict[] {
  return LATENCY_PERCENTILES.flatMap((percentile: LatencyPercentile) => {
    const limit = limits[percentile];
    if (!limit) return [];
    return [
      judge({
        gate: `latency_${percentile}_ms${pattern === undefined ? '' : `[${pattern}]`}`,
        family: 'latency',
        ...(pattern === undefined ? {} : { pattern }),
        ...ceiling(limit.max, 'ms'),
        value: measured[percentile],
        samples: measured.count,
        minSamples,
      }),
    ];
  });
}

function ceiling(max: number, unit: GateUnit): { threshold: number; comparator: GateComparator; unit: GateUnit } {
  return { threshold: max, comparator: '<=', unit };
}

function floor(min: number): { threshold: number; comparator: GateComparator; unit: GateUnit } {
  return { threshold: min, comparator: '>=', unit: 'share' };
}

function judge(measured: Omit<GateVerdict, 'status'>): GateVerdict {
  const { value, threshold, comparator, samples, minSamples } = measured;
  if (value === null || samples < minSamples) return { ...measured, status: 'insufficient' };
  const withinLimit = comparator === '<=' ? value <= threshold : value >= threshold;
  return { ...measured, status: withinLimit ? 'pass' : 'fail' };
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareCodePoints(a, b));
}
