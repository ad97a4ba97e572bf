import { evaluatePlanner } from '../evaluation/evaluate-planner';
import { evaluateGates } from '../gates/evaluate-gates';
import { aDecision, aGatesConfig, aGatesReport, anOutcome } from '../testing/gate-samples.builder';
import { toJsonReport } from './json-report.renderer';

describe(toJsonReport.name, () => {
  it('writes every verdict with snake_case keys, a null pattern for overall gates, and its message', () => {
    const json = toJsonReport(aGatesReport());
    expect(json).toMatchObject({
      report_version: 1,
      config_version: 1,
      generated_at: null,
      passed: false,
      summary: { total: 5, pass: 2, fail: 1, insufficient: 2 },
    });
    expect(json.gates[0]).toEqual({
      gate: 'failure_rate',
      family: 'failure_rate',
      pattern: null,
      status: 'pass',
      value: 0.02,
      threshold: 0.05,
      comparator: '<=',
      unit: 'share',
      samples: 50,
      min_samples: 30,
      message: 'failure_rate is 2.00%, at or below the maximum of 5.00% (over 50 samples)',
    });
    expect(json.gates[2]).toMatchObject({ pattern: 'execute', value: null, status: 'insufficient' });
  });

  it('stamps the generation time only when given', () => {
    expect(toJsonReport(aGatesReport(), { generatedAt: new Date('2026-01-02T03:04:05Z') }).generated_at).toBe(
      '2026-01-02T03:04:05.000Z',
    );
  });

  it('writes null for the measurements of families that were not judged', () => {
    expect(toJsonReport(aGatesReport()).measurements).toEqual({
      failure_rate: null,
      latency_ms: null,
      decision_quality_online: null,
      decision_quality_offline: null,
    });
  });

  it('writes the measurements in snake_case without rewriting pattern or template names', () => {
    const report = evaluateGates(aGatesConfig(), {
      outcomes: [anOutcome({ pattern: 'codegen.generateModule', outcome: 'dead', durationMs: 40 })],
      decisions: [aDecision({ template: 'codeBuildTest', replanned: true }), aDecision({ outcome: 'pending' })],
      plannerEvaluation: evaluatePlanner(
        (intent) => {
          if (intent === '') throw new Error('empty');
          return { template: 'indexing' };
        },
        [
          { intent: 'index src', expected: 'indexing', kind: 'clear' },
          { intent: '', expected: null, kind: 'invalid', note: 'empty' },
        ],
      ),
    });
    const { measurements } = toJsonReport(report);
    expect(measurements.failure_rate).toEqual({
      overall: { samples: 1, failures: 1, rate: 1, by_outcome: { done: 0, failed: 0, dead: 1, expired: 0 } },
      per_pattern: {
        'codegen.generateModule': {
          samples: 1,
          failures: 1,
          rate: 1,
          by_outcome: { done: 0, failed: 0, dead: 1, expired: 0 },
        },
      },
    });
    expect(measurements.latency_ms?.per_pattern['codegen.generateModule']).toMatchObject({ count: 1, p90: 40 });
    expect(measurements.decision_quality_online).toEqual({
      decided: 1,
      clean: 0,
      replanned: 1,
      failed: 0,
      score: 0,
      pending: 1,
      by_template: { codeBuildTest: { decided: 1, clean: 0, replanned: 1, failed: 0, score: 0 } },
    });
    expect(measurements.decision_quality_offline).toMatchObject({
      cases: 2,
      correct: 1,
      errors: 1,
      accuracy: 0.5,
      by_kind: { clear: { cases: 1, correct: 1, accuracy: 1 } },
      misses: [{ intent: '', kind: 'invalid', expected: null, predicted: null, note: 'empty', error: 'empty' }],
    });
  });

  it('survives a JSON round trip unchanged, with no NaN or undefined hiding in it', () => {
    const json = toJsonReport(evaluateGates(aGatesConfig(), {}), { generatedAt: new Date(0) });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(JSON.stringify(json)).not.toMatch(/NaN|undefined/);
  });
});
