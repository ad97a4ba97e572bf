import { percentileOfSorted, sortedFinite } from './percentile';

/**
 * The distribution of a set of durations. With no samples `count` is 0 and every statistic is
 * `null`, so an empty window can never be mistaken for a fast one.
 */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/** Count, p50/p90/p99 (see `percentile` for the method), min, max and arithmetic mean of `samples`. */
export function latencySummary(samples: readonly number[]): LatencySummary {
  const sorted = sortedFinite(samples);
  if (sorted.length === 0) return { count: 0, p50: null, p90: null, p99: null, min: null, max: null, mean: null };
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}
