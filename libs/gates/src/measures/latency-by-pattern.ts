import { groupByPattern } from '../samples/group-by-pattern';
import type { OutcomeSample } from '../samples/outcome-sample';
import { latencySummary, type LatencySummary } from '../statistics/latency-summary';

/**
 * `latencySummary` of the durations of every outcome, failures included: a delivery that timed out
 * kept its caller waiting too, and leaving it out would make a pattern that times out look fast.
 */
export function outcomeLatency(samples: readonly OutcomeSample[]): LatencySummary {
  return latencySummary(samples.map((sample) => sample.durationMs));
}

/** `outcomeLatency` of each pattern that occurs in `samples`, keyed by pattern in code-point order. */
export function latencyByPattern(samples: readonly OutcomeSample[]): Readonly<Record<string, LatencySummary>> {
  return Object.fromEntries(
    [...groupByPattern(samples)].map(([pattern, group]) => [pattern, outcomeLatency(group)] as const),
  );
}
