import { compareCodePoints } from './code-point-order';
import type { OutcomeSample } from './outcome-sample';

/**
 * The samples of each pattern, patterns in code-point order so every report lists them the same way.
 * A `Map` (not an object) keeps patterns such as `__proto__` or `{"cmd":"x"}` intact.
 */
export function groupByPattern(samples: readonly OutcomeSample[]): Map<string, OutcomeSample[]> {
  const groups = new Map<string, OutcomeSample[]>();
  for (const sample of samples) {
    const group = groups.get(sample.pattern);
    if (group) group.push(sample);
    else groups.set(sample.pattern, [sample]);
  }
  return new Map([...groups].sort(([a], [b]) => compareCodePoints(a, b)));
}
