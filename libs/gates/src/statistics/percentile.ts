/**
 * The `p`-th percentile of `values` by **linear interpolation between the closest ranks** (the
 * "inclusive" definition: Hyndman & Fan type 7, NumPy's default `linear`, Excel `PERCENTILE.INC`).
 *
 * With the values sorted ascending as `x[0..n-1]`, the percentile sits at the fractional rank
 * `h = (n - 1) * p / 100` and is `x[⌊h⌋] + (h - ⌊h⌋) * (x[⌊h⌋ + 1] - x[⌊h⌋])`. So `p = 0` is the
 * minimum, `p = 100` the maximum, a single value is every percentile of itself, and the result never
 * leaves the range of the data.
 *
 * Returns `null` for no values: a percentile of nothing is unknown, not zero and not `NaN`.
 * The input is not modified.
 *
 * @param values finite numbers, in any order
 * @param p the percentile, from 0 to 100 inclusive
 * @throws RangeError when `p` is outside 0..100 or a value is not a finite number
 */
export function percentile(values: readonly number[], p: number): number | null {
  assertPercent(p);
  return percentileOfSorted(sortedFinite(values), p);
}

/**
 * `percentile` for values already sorted ascending and checked; lets a caller that needs several
 * percentiles of one sample sort it once.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  assertPercent(p);
  if (sorted.length === 0) return null;
  const rank = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
}

/** A sorted copy of `values`; rejects `NaN` and infinities, which would make every percentile meaningless. */
export function sortedFinite(values: readonly number[]): number[] {
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new RangeError(`value at index ${index} must be a finite number, got ${value}`);
  });
  return [...values].sort((a, b) => a - b);
}

function assertPercent(p: number): void {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
}
