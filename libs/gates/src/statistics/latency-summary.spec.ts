import { latencySummary } from './latency-summary';

describe(latencySummary.name, () => {
  it('reports count 0 and null statistics for no samples', () => {
    expect(latencySummary([])).toEqual({
      count: 0,
      p50: null,
      p90: null,
      p99: null,
      min: null,
      max: null,
      mean: null,
    });
  });

  it('reports the one value as every statistic of a single sample', () => {
    expect(latencySummary([120])).toEqual({ count: 1, p50: 120, p90: 120, p99: 120, min: 120, max: 120, mean: 120 });
  });

  it('summarizes ten samples by linear interpolation', () => {
    // Sorted 10 20 ... 100 (n = 10), h = 9 * p / 100.
    const summary = latencySummary([100, 10, 90, 20, 80, 30, 70, 40, 60, 50]);
    expect(summary.count).toBe(10);
    expect(summary.p50).toBeCloseTo(55, 10); // h = 4.5: 50 + 0.5 * 10
    expect(summary.p90).toBeCloseTo(91, 10); // h = 8.1: 90 + 0.1 * 10
    expect(summary.p99).toBeCloseTo(99.1, 10); // h = 8.91: 90 + 0.91 * 10
    expect(summary.min).toBe(10);
    expect(summary.max).toBe(100);
    expect(summary.mean).toBe(55);
  });

  it('takes ties as they come', () => {
    // Sorted 5 5 5 10: p50 at h = 1.5, p90 at h = 2.7, p99 at h = 2.97.
    const summary = latencySummary([5, 5, 10, 5]);
    expect(summary.p50).toBe(5);
    expect(summary.p90).toBeCloseTo(8.5, 10);
    expect(summary.p99).toBeCloseTo(9.85, 10);
    expect(summary.mean).toBe(6.25);
  });

  it('rejects a duration that is not a finite number', () => {
    expect(() => latencySummary([10, Number.NaN])).toThrow(RangeError);
  });
});
