import { anOutcome } from '../testing/gate-samples.builder';
import type { OutcomeSample } from '../samples/outcome-sample';
import { failureRate, failureRateByPattern } from './failure-rate';

const times = (count: number, sample: OutcomeSample): OutcomeSample[] => Array.from({ length: count }, () => sample);

describe(failureRate.name, () => {
  it('is null, not 0, for an empty window', () => {
    expect(failureRate([])).toEqual({
      samples: 0,
      failures: 0,
      rate: null,
      byOutcome: { done: 0, failed: 0, dead: 0, expired: 0 },
    });
  });

  it('is 0 or 1 for a single sample', () => {
    expect(failureRate([anOutcome({ outcome: 'done' })]).rate).toBe(0);
    expect(failureRate([anOutcome({ outcome: 'dead' })]).rate).toBe(1);
  });

  it('counts failed, dead and expired deliveries as failures', () => {
    const rate = failureRate([
      ...times(17, anOutcome({ outcome: 'done' })),
      anOutcome({ outcome: 'failed' }),
      anOutcome({ outcome: 'dead' }),
      anOutcome({ outcome: 'expired' }),
    ]);
    expect(rate).toEqual({
      samples: 20,
      failures: 3,
      rate: 0.15,
      byOutcome: { done: 17, failed: 1, dead: 1, expired: 1 },
    });
  });
});

describe(failureRateByPattern.name, () => {
  it('breaks the rate down per pattern, patterns in code-point order', () => {
    const byPattern = failureRateByPattern([
      ...times(4, anOutcome({ pattern: 'plan' })),
      ...times(3, anOutcome({ pattern: 'execute' })),
      anOutcome({ pattern: 'execute', outcome: 'failed' }),
      anOutcome({ pattern: 'index.run', outcome: 'expired' }),
    ]);
    expect(Object.keys(byPattern)).toEqual(['execute', 'index.run', 'plan']);
    expect(byPattern.execute).toMatchObject({ samples: 4, failures: 1, rate: 0.25 });
    expect(byPattern['index.run']).toMatchObject({ samples: 1, failures: 1, rate: 1 });
    expect(byPattern.plan).toMatchObject({ samples: 4, failures: 0, rate: 0 });
  });

  it('is empty for an empty window', () => {
    expect(failureRateByPattern([])).toEqual({});
  });

  it('keeps a pattern named like an object property as a plain key', () => {
    const byPattern = failureRateByPattern([anOutcome({ pattern: '__proto__', outcome: 'dead' })]);
    expect(Object.keys(byPattern)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(byPattern)).toBe(Object.prototype);
  });
});
