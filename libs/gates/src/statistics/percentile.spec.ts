import fc from 'fast-check';
import { percentile } from './percentile';

describe(percentile.name, () => {
  // Sorted: 15 20 35 40 50 (n = 5), so the fractional rank is h = 4 * p / 100.
  const values = [15, 20, 35, 40, 50];

  it('is the minimum at p = 0 and the maximum at p = 100', () => {
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
  });

  it('is the middle value at p = 50 when the rank is whole (h = 2)', () => {
    expect(percentile(values, 50)).toBe(35);
  });

  it('interpolates linearly between the closest ranks', () => {
    expect(percentile(values, 40)).toBeCloseTo(29, 10); // h = 1.6: 20 + 0.6 * (35 - 20)
    expect(percentile(values, 90)).toBeCloseTo(46, 10); // h = 3.6: 40 + 0.6 * (50 - 40)
    expect(percentile(values, 99)).toBeCloseTo(49.6, 10); // h = 3.96: 40 + 0.96 * (50 - 40)
  });

  it('interpolates between two values', () => {
    expect(percentile([10, 20], 50)).toBe(15);
    expect(percentile([10, 20], 25)).toBe(12.5);
    expect(percentile([10, 20], 90)).toBe(19);
  });

  it('sorts its input itself and leaves the caller’s array untouched', () => {
    const unsorted = [50, 15, 40, 20, 35];
    expect(percentile(unsorted, 90)).toBeCloseTo(46, 10);
    expect(unsorted).toEqual([50, 15, 40, 20, 35]);
  });

  it('sorts numerically, not as text', () => {
    expect(percentile([100, 9, 20], 0)).toBe(9);
    expect(percentile([100, 9, 20], 100)).toBe(100);
  });

  it('is the single value at every p for a single sample', () => {
    for (const p of [0, 50, 90, 99, 100]) expect(percentile([42], p)).toBe(42);
  });

  it('keeps ties: equal neighbours interpolate to their common value', () => {
    // Sorted 5 5 5 10 (n = 4): h = 3 * p / 100.
    expect(percentile([5, 10, 5, 5], 50)).toBe(5); // h = 1.5, between 5 and 5
    expect(percentile([5, 10, 5, 5], 90)).toBeCloseTo(8.5, 10); // h = 2.7: 5 + 0.7 * (10 - 5)
    expect(percentile([7, 7, 7], 99)).toBe(7);
  });

  it('is null, not NaN or 0, for no values', () => {
    expect(percentile([], 0)).toBeNull();
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 100)).toBeNull();
  });

  it('rejects a percentile outside 0..100', () => {
    expect(() => percentile(values, -1)).toThrow(new RangeError('percentile must be from 0 to 100, got -1'));
    expect(() => percentile(values, 100.5)).toThrow(RangeError);
    expect(() => percentile(values, Number.NaN)).toThrow(RangeError);
    expect(() => percentile([], 101)).toThrow(RangeError);
  });

  it('rejects a value that is not a finite number, naming its index', () => {
    expect(() => percentile([1, Number.NaN], 50)).toThrow(
      new RangeError('value at index 1 must be a finite number, got NaN'),
    );
    expect(() => percentile([Number.POSITIVE_INFINITY], 50)).toThrow(/index 0/);
  });

  it('stays within the data and never decreases as p grows', () => {
    const sample = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 });
    const pair = fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }));
    fc.assert(
      fc.property(sample, pair, (data, [a, b]) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const atLow = percentile(data, low) as number;
        const atHigh = percentile(data, high) as number;
        expect(atLow).toBeGreaterThanOrEqual(Math.min(...data));
        expect(atHigh).toBeLessThanOrEqual(Math.max(...data));
        expect(atHigh).toBeGreaterThanOrEqual(atLow);
      }),
    );
  });
});
