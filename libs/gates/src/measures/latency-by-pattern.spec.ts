import { anOutcome, outcomesLasting } from '../testing/gate-samples.builder';
import { latencyByPattern, outcomeLatency } from './latency-by-pattern';

describe(outcomeLatency.name, () => {
  it('counts the time of failed deliveries too', () => {
    const summary = outcomeLatency([
      anOutcome({ outcome: 'done', durationMs: 100 }),
      anOutcome({ outcome: 'expired', durationMs: 900 }),
    ]);
    expect(summary).toMatchObject({ count: 2, p50: 500, max: 900 });
  });

  it('has count 0 and null statistics for an empty window', () => {
    expect(outcomeLatency([])).toMatchObject({ count: 0, p50: null, p90: null, p99: null });
  });
});

describe(latencyByPattern.name, () => {
  it('summarizes each pattern on its own', () => {
    const byPattern = latencyByPattern([
      ...outcomesLasting([30, 10, 20], { pattern: 'plan' }),
      anOutcome({ pattern: 'execute', durationMs: 1000 }),
    ]);
    expect(Object.keys(byPattern)).toEqual(['execute', 'plan']);
    // plan sorted 10 20 30: p50 at h = 1, p90 at h = 1.8: 20 + 0.8 * 10.
    expect(byPattern.plan.p50).toBe(20);
    expect(byPattern.plan.p90).toBeCloseTo(28, 10);
    expect(byPattern.execute).toEqual({ count: 1, p50: 1000, p90: 1000, p99: 1000, min: 1000, max: 1000, mean: 1000 });
  });

  it('is empty for an empty window', () => {
    expect(latencyByPattern([])).toEqual({});
  });
});
