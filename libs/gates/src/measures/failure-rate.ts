import { groupByPattern } from '../samples/group-by-pattern';
import { isFailure, MESSAGE_OUTCOMES, type MessageOutcome, type OutcomeSample } from '../samples/outcome-sample';

/** The share of deliveries that did not end `done`; `rate` is `null` when there were none. */
export interface FailureRate {
  readonly samples: number;
  readonly failures: number;
  readonly rate: number | null;
  readonly byOutcome: Readonly<Record<MessageOutcome, number>>;
}

/** Failures (`failed`, `dead`, `expired`) divided by all finished deliveries in `samples`. */
export function failureRate(samples: readonly OutcomeSample[]): FailureRate {
  const byOutcome = Object.fromEntries(MESSAGE_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    MessageOutcome,
    number
  >;
  for (const sample of samples) byOutcome[sample.outcome] += 1;
  const failures = MESSAGE_OUTCOMES.filter(isFailure).reduce((sum, outcome) => sum + byOutcome[outcome], 0);
  return {
    samples: samples.length,
    failures,
    rate: samples.length === 0 ? null : failures / samples.length,
    byOutcome,
  };
}

/** `failureRate` of each pattern that occurs in `samples`, keyed by pattern in code-point order. */
export function failureRateByPattern(samples: readonly OutcomeSample[]): Readonly<Record<string, FailureRate>> {
  return Object.fromEntries(
    [...groupByPattern(samples)].map(([pattern, group]) => [pattern, failureRate(group)] as const),
  );
}
