import { aGatesConfig, anOutcome, outcomesLasting } from '../testing/gate-samples.builder';
import { evaluateTraceGates } from './evaluate-trace-gates';

describe(evaluateTraceGates.name, () => {
  it('judges a single delivery: the acceptance minimums do not apply to one trace', () => {
    const report = evaluateTraceGates(aGatesConfig(), [anOutcome({ pattern: 'plan', durationMs: 10 })]);
    expect(report.verdicts.map((verdict) => [verdict.gate, verdict.status])).toEqual([
      ['failure_rate', 'pass'],
      ['latency_p90_ms', 'pass'],
      ['latency_p90_ms[plan]', 'pass'],
    ]);
    expect(report.passed).toBe(true);
  });

  it('leaves out a per-pattern gate whose pattern never ran in the trace instead of calling it insufficient', () => {
    const report = evaluateTraceGates(aGatesConfig(), outcomesLasting([30, 40], { pattern: 'execute' }));
    expect(report.verdicts.map((verdict) => verdict.gate)).toEqual(['failure_rate', 'latency_p90_ms']);
    expect(report.passed).toBe(true);
  });

  it('fails on a failed delivery and on a slow pattern that did run', () => {
    const report = evaluateTraceGates(aGatesConfig(), [
      anOutcome({ pattern: 'execute', outcome: 'dead' }),
      anOutcome({ pattern: 'plan', durationMs: 80 }),
    ]);
    expect(Object.fromEntries(report.verdicts.map((verdict) => [verdict.gate, verdict.status]))).toEqual({
      failure_rate: 'fail',
      latency_p90_ms: 'pass',
      'latency_p90_ms[plan]': 'fail',
    });
    expect(report.passed).toBe(false);
  });

  it('fails a trace without deliveries: nothing judged is no evidence', () => {
    const report = evaluateTraceGates(aGatesConfig(), []);
    expect(report.passed).toBe(false);
    expect(report.verdicts.every((verdict) => verdict.status === 'insufficient')).toBe(true);
  });
});
