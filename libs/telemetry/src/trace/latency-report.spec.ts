import type { OutcomeSample } from '@cogo/gates';
import { latencyReport } from './latency-report';

const sample = (pattern: string, durationMs: number, outcome: OutcomeSample['outcome'] = 'done'): OutcomeSample => ({
  pattern,
  outcome,
  durationMs,
  finishedAt: new Date('2026-01-01T00:00:00Z'),
});

const window = { text: '15m', from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T00:15:00Z') };

describe(latencyReport.name, () => {
  it('reports percentiles and failures overall and per pattern', () => {
    const samples = [sample('b.run', 100), sample('a.run', 30, 'failed'), sample('a.run', 10), sample('a.run', 20)];

    const report = latencyReport(samples, window, false);

    // Overall, sorted 10 20 30 100: p50 at rank 1.5 -> 25, p90 at 2.7 -> 30 + 0.7 * 70, p99 at 2.97 -> 30 + 0.97 * 70.
    expect(report).toEqual({
      window: '15m',
      from: window.from,
      to: window.to,
      overall: {
        count: 4,
        failures: 1,
        failureRate: 0.25,
        p50Ms: 25,
        p90Ms: 79,
        p99Ms: 97.9,
        minMs: 10,
        maxMs: 100,
        meanMs: 40,
      },
      patterns: [
        // 10 20 30: p50 at rank 1 -> 20, p90 at 1.8 -> 28, p99 at 1.98 -> 29.8.
        {
          pattern: 'a.run',
          count: 3,
          failures: 1,
          failureRate: 1 / 3,
          p50Ms: 20,
          p90Ms: 28,
          p99Ms: 29.8,
          minMs: 10,
          maxMs: 30,
          meanMs: 20,
        },
        {
          pattern: 'b.run',
          count: 1,
          failures: 0,
          failureRate: 0,
          p50Ms: 100,
          p90Ms: 100,
          p99Ms: 100,
          minMs: 100,
          maxMs: 100,
          meanMs: 100,
        },
      ],
      truncated: false,
    });
  });

  it('has no percentiles and no failure rate for an empty window', () => {
    const report = latencyReport([], window, true);

    expect(report.overall).toEqual({
      count: 0,
      failures: 0,
      failureRate: null,
      p50Ms: null,
      p90Ms: null,
      p99Ms: null,
      minMs: null,
      maxMs: null,
      meanMs: null,
    });
    expect(report.patterns).toEqual([]);
    expect(report.truncated).toBe(true);
  });
});
