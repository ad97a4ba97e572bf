import type { PlannerEvaluation } from '../evaluation/evaluate-planner';
import { evaluatePlanner } from '../evaluation/evaluate-planner';
import { aDecision, aGatesConfig, anOutcome, outcomesLasting } from '../testing/gate-samples.builder';
import { evaluateGates } from './evaluate-gates';
import type { GateSamples, GateVerdict } from './gate-verdict';

/** Two labelled cases, both answered right: accuracy 1 over 2 cases. */
const perfectPlanner: PlannerEvaluation = evaluatePlanner(
  () => ({ template: 'indexing' }),
  [
    { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
    { intent: 'reindex src', expected: 'indexing', kind: 'clear' },
  ],
);

/**
 * Samples that pass every gate of `aGatesConfig()`: 4 outcomes, none failed, durations 10 20 (plan)
 * and 30 40 (execute); 2 clean decisions; a perfect planner on 2 cases.
 */
function healthySamples(overrides: Partial<GateSamples> = {}): GateSamples {
  return {
    outcomes: [...outcomesLasting([10, 20], { pattern: 'plan' }), ...outcomesLasting([30, 40], { pattern: 'execute' })],
    decisions: [aDecision(), aDecision()],
    plannerEvaluation: perfectPlanner,
    ...overrides,
  };
}

function verdictOf(verdicts: readonly GateVerdict[], gate: string): GateVerdict {
  const verdict = verdicts.find((candidate) => candidate.gate === gate);
  if (!verdict) throw new Error(`no verdict for gate ${gate}; got ${verdicts.map((v) => v.gate).join(', ')}`);
  return verdict;
}

describe(evaluateGates.name, () => {
  it('passes when every gate is within its threshold, and says what it measured', () => {
    const report = evaluateGates(aGatesConfig(), healthySamples());
    expect(report.passed).toBe(true);
    expect(report.configVersion).toBe(1);
    expect(report.verdicts).toEqual([
      {
        gate: 'failure_rate',
        family: 'failure_rate',
        value: 0,
        threshold: 0.25,
        comparator: '<=',
        unit: 'share',
        samples: 4,
        minSamples: 4,
        status: 'pass',
      },
      {
        // Sorted 10 20 30 40: h = 3 * 0.9 = 2.7, so 30 + 0.7 * 10.
        gate: 'latency_p90_ms',
        family: 'latency',
        value: expect.closeTo(37, 10) as number,
        threshold: 100,
        comparator: '<=',
        unit: 'ms',
        samples: 4,
        minSamples: 4,
        status: 'pass',
      },
      {
        // plan: 10 20, h = 0.9, so 10 + 0.9 * 10.
        gate: 'latency_p90_ms[plan]',
        family: 'latency',
        pattern: 'plan',
        value: 19,
        threshold: 50,
        comparator: '<=',
        unit: 'ms',
        samples: 2,
        minSamples: 2,
        status: 'pass',
      },
      {
        gate: 'decision_quality_online',
        family: 'decision_quality_online',
        value: 1,
        threshold: 0.5,
        comparator: '>=',
        unit: 'share',
        samples: 2,
        minSamples: 2,
        status: 'pass',
      },
      {
        gate: 'decision_quality_offline',
        family: 'decision_quality_offline',
        value: 1,
        threshold: 0.8,
        comparator: '>=',
        unit: 'share',
        samples: 2,
        minSamples: 2,
        status: 'pass',
      },
    ]);
  });

  describe('failure rate', () => {
    it('fails above the maximum', () => {
      const outcomes = [...outcomesLasting([10, 10]), ...outcomesLasting([10, 10], { outcome: 'dead' })];
      const report = evaluateGates(aGatesConfig(), healthySamples({ outcomes }));
      expect(verdictOf(report.verdicts, 'failure_rate')).toMatchObject({ value: 0.5, status: 'fail' });
      expect(report.passed).toBe(false);
    });

    it('passes exactly at the maximum', () => {
      const outcomes = [...outcomesLasting([10, 10, 10]), anOutcome({ outcome: 'expired', durationMs: 10 })];
      const report = evaluateGates(aGatesConfig(), healthySamples({ outcomes }));
      expect(verdictOf(report.verdicts, 'failure_rate')).toMatchObject({ value: 0.25, status: 'pass' });
    });

    it('judges a configured pattern on its own samples and minimum', () => {
      const config = aGatesConfig({ failureRate: { max: 0.5, perPattern: { execute: { max: 0 } } } });
      const outcomes = [
        ...outcomesLasting([10, 10, 10], { pattern: 'plan' }),
        anOutcome({ pattern: 'execute', durationMs: 10 }),
        anOutcome({ pattern: 'execute', outcome: 'failed', durationMs: 10 }),
      ];
      const report = evaluateGates(config, healthySamples({ outcomes }));
      expect(verdictOf(report.verdicts, 'failure_rate')).toMatchObject({ value: 0.2, samples: 5, status: 'pass' });
      expect(verdictOf(report.verdicts, 'failure_rate[execute]')).toMatchObject({
        pattern: 'execute',
        value: 0.5,
        threshold: 0,
        samples: 2,
        minSamples: 2,
        status: 'fail',
      });
    });
  });

  describe('latency', () => {
    it('catches a slow pattern that the overall p90 hides', () => {
      // Overall sorted 10 x9, 200: h = 8.1, so 10 + 0.1 * 190 = 29. plan 10 200: h = 0.9, so 181.
      const outcomes = [
        ...outcomesLasting([10, 200], { pattern: 'plan' }),
        ...outcomesLasting([10, 10, 10, 10, 10, 10, 10, 10], { pattern: 'execute' }),
      ];
      const report = evaluateGates(aGatesConfig(), healthySamples({ outcomes }));
      const overall = verdictOf(report.verdicts, 'latency_p90_ms');
      const plan = verdictOf(report.verdicts, 'latency_p90_ms[plan]');
      expect(overall.value).toBeCloseTo(29, 10);
      expect(overall.status).toBe('pass');
      expect(plan.value).toBeCloseTo(181, 10);
      expect(plan.status).toBe('fail');
      expect(report.passed).toBe(false);
    });

    it('adds a gate for every configured percentile, in the order p50, p90, p99', () => {
      const config = aGatesConfig({
        latencyMs: {
          p50: { max: 20 },
          p90: { max: 100 },
          p99: { max: 39 },
          perPattern: { execute: { p50: { max: 40 }, p99: { max: 40 } } },
        },
      });
      const report = evaluateGates(config, healthySamples(), { families: ['latency'] });
      // Overall 10 20 30 40: p50 = 25, p90 = 37, p99 = 39.7; execute 30 40: p50 = 35, p99 = 39.9.
      expect(report.verdicts.map((v) => [v.gate, v.status])).toEqual([
        ['latency_p50_ms', 'fail'],
        ['latency_p90_ms', 'pass'],
        ['latency_p99_ms', 'fail'],
        ['latency_p50_ms[execute]', 'pass'],
        ['latency_p99_ms[execute]', 'pass'],
      ]);
      expect(verdictOf(report.verdicts, 'latency_p50_ms').value).toBe(25);
      expect(verdictOf(report.verdicts, 'latency_p99_ms').value).toBeCloseTo(39.7, 10);
    });

    it('lists per-pattern gates in code-point order of the pattern', () => {
      const config = aGatesConfig({
        latencyMs: { p90: { max: 100 }, perPattern: { plan: { p90: { max: 50 } }, execute: { p90: { max: 50 } } } },
      });
      const report = evaluateGates(config, healthySamples(), { families: ['latency'] });
      expect(report.verdicts.map((v) => v.gate)).toEqual([
        'latency_p90_ms',
        'latency_p90_ms[execute]',
        'latency_p90_ms[plan]',
      ]);
    });
  });

  describe('too few samples', () => {
    it('makes every gate insufficient for an empty window, with no value, and fails the run', () => {
      const report = evaluateGates(aGatesConfig(), { outcomes: [], decisions: [] });
      expect(report.verdicts.map((v) => [v.gate, v.status, v.value, v.samples])).toEqual([
        ['failure_rate', 'insufficient', null, 0],
        ['latency_p90_ms', 'insufficient', null, 0],
        ['latency_p90_ms[plan]', 'insufficient', null, 0],
        ['decision_quality_online', 'insufficient', null, 0],
        ['decision_quality_offline', 'insufficient', null, 0],
      ]);
      expect(report.passed).toBe(false);
    });

    it('treats samples that were not supplied at all as none', () => {
      expect(evaluateGates(aGatesConfig(), {}).verdicts.every((v) => v.status === 'insufficient')).toBe(true);
    });

    it('is insufficient below the minimum even when the value would pass, and keeps the value', () => {
      const report = evaluateGates(
        aGatesConfig(),
        healthySamples({ outcomes: [anOutcome({ pattern: 'plan', durationMs: 10 })] }),
      );
      expect(verdictOf(report.verdicts, 'failure_rate')).toMatchObject({
        value: 0,
        samples: 1,
        minSamples: 4,
        status: 'insufficient',
      });
      expect(verdictOf(report.verdicts, 'latency_p90_ms[plan]')).toMatchObject({ value: 10, status: 'insufficient' });
      expect(report.passed).toBe(false);
    });

    it('judges a single-sample window when the minimum is one', () => {
      const config = aGatesConfig({ minSamples: { outcomes: 1, perPattern: 1, decisions: 1, evaluation: 1 } });
      const report = evaluateGates(
        config,
        healthySamples({ outcomes: [anOutcome({ pattern: 'plan', durationMs: 60 })] }),
        {
          families: ['failure_rate', 'latency'],
        },
      );
      expect(report.verdicts.map((v) => [v.gate, v.value, v.status])).toEqual([
        ['failure_rate', 0, 'pass'],
        ['latency_p90_ms', 60, 'pass'],
        ['latency_p90_ms[plan]', 60, 'fail'],
      ]);
    });

    it('fails the run on one insufficient gate while every other gate passes', () => {
      const outcomes = [...outcomesLasting([10, 20, 30, 40], { pattern: 'execute' })];
      const report = evaluateGates(aGatesConfig(), healthySamples({ outcomes }));
      expect(report.verdicts.filter((v) => v.status !== 'pass').map((v) => [v.gate, v.samples])).toEqual([
        ['latency_p90_ms[plan]', 0],
      ]);
      expect(report.passed).toBe(false);
    });
  });

  describe('decision quality', () => {
    it('leaves pending decisions out of the online share and its sample count', () => {
      const decisions = [
        aDecision(),
        aDecision({ outcome: 'failed' }),
        ...Array.from({ length: 5 }, () => aDecision({ outcome: 'pending' })),
      ];
      const report = evaluateGates(aGatesConfig(), healthySamples({ decisions }));
      expect(verdictOf(report.verdicts, 'decision_quality_online')).toMatchObject({
        value: 0.5,
        samples: 2,
        status: 'pass',
      });
    });

    it('fails online quality below the minimum', () => {
      const decisions = [aDecision(), aDecision({ replanned: true }), aDecision({ outcome: 'failed' })];
      const report = evaluateGates(aGatesConfig(), healthySamples({ decisions }));
      expect(verdictOf(report.verdicts, 'decision_quality_online')).toMatchObject({
        value: 1 / 3,
        status: 'fail',
      });
    });

    it('fails offline quality below the minimum accuracy', () => {
      const halfRight = evaluatePlanner(
        () => ({ template: 'indexing' }),
        [
          { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
          { intent: 'drop the database', expected: null, kind: 'invalid' },
        ],
      );
      const report = evaluateGates(aGatesConfig(), healthySamples({ plannerEvaluation: halfRight }));
      expect(verdictOf(report.verdicts, 'decision_quality_offline')).toMatchObject({
        value: 0.5,
        threshold: 0.8,
        samples: 2,
        status: 'fail',
      });
    });
  });

  it('judges only the families asked for', () => {
    const report = evaluateGates(
      aGatesConfig(),
      { outcomes: healthySamples().outcomes },
      {
        families: ['failure_rate', 'latency'],
      },
    );
    expect(report.verdicts.map((v) => v.family)).toEqual(['failure_rate', 'latency', 'latency']);
    expect(report.passed).toBe(true);
    expect(report.measurements.decisionQuality).toBeUndefined();
  });

  it('fails a run that judged no gate at all', () => {
    const report = evaluateGates(aGatesConfig(), healthySamples(), { families: [] });
    expect(report.verdicts).toEqual([]);
    expect(report.passed).toBe(false);
  });

  it('keeps the measurements behind the verdicts, including patterns without a gate', () => {
    const report = evaluateGates(aGatesConfig(), healthySamples());
    expect(Object.keys(report.measurements.failureRate?.perPattern ?? {})).toEqual(['execute', 'plan']);
    expect(report.measurements.latency?.perPattern.execute).toMatchObject({ count: 2, p50: 35 });
    expect(report.measurements.decisionQuality).toMatchObject({ decided: 2, score: 1 });
    expect(report.measurements.plannerEvaluation).toBe(perfectPlanner);
  });
});
