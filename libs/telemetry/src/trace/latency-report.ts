import {
  type LatencySummary,
  type OutcomeSample,
  failureRate,
  failureRateByPattern,
  latencyByPattern,
  outcomeLatency,
} from '@cogo/gates';

/** Latency and failures of a set of finished deliveries, in milliseconds from enqueue to completion. */
export interface LatencyFigures {
  readonly count: number;
  readonly failures: number;
  /** `failures / count`, `null` when there was nothing. */
  readonly failureRate: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  readonly meanMs: number | null;
}

export interface PatternLatency extends LatencyFigures {
  readonly pattern: string;
}

/** `GET /api/metrics/latency`: requests and event deliveries that finished in the window. */
export interface LatencyReport {
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  readonly overall: LatencyFigures;
  /** One entry per pattern, in code-point order. */
  readonly patterns: readonly PatternLatency[];
  /** More deliveries finished in the window than were read; the figures cover the latest ones. */
  readonly truncated: boolean;
}

/**
 * Percentiles (libs/gates: linear interpolation between closest ranks) and failures, overall and
 * per pattern. Failed deliveries count in the latency too, as in the gates: a timeout kept its
 * caller waiting as well.
 */
export function latencyReport(
  samples: readonly OutcomeSample[],
  window: { readonly text: string; readonly from: Date; readonly to: Date },
  truncated: boolean,
): LatencyReport {
  const failuresByPattern = failureRateByPattern(samples);
  return {
    window: window.text,
    from: window.from,
    to: window.to,
    overall: figures(outcomeLatency(samples), failureRate(samples)),
    patterns: Object.entries(latencyByPattern(samples)).map(([pattern, latency]) => ({
      pattern,
      ...figures(latency, failuresByPattern[pattern]),
    })),
    truncated,
  };
}

function figures(latency: LatencySummary, failures: { failures: number; rate: number | null }): LatencyFigures {
  return {
    count: latency.count,
    failures: failures.failures,
    failureRate: failures.rate,
    p50Ms: roundMs(latency.p50),
    p90Ms: roundMs(latency.p90),
    p99Ms: roundMs(latency.p99),
    minMs: roundMs(latency.min),
    maxMs: roundMs(latency.max),
    meanMs: roundMs(latency.mean),
  };
}

/** Microsecond resolution is what the database stores; more digits would be noise. */
function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}
