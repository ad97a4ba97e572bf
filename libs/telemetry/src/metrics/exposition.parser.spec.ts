import { Counter, Histogram, Registry } from 'prom-client';
import { parseExposition, sampleValue } from './exposition.parser';

describe(parseExposition.name, () => {
  it("reads prom-client's output: HELP, TYPE, labels with escapes, histogram samples under their family", async () => {
    const registry = new Registry();
    new Counter({
      name: 'jobs_total',
      help: 'Jobs.\nDone "well" \\ or not',
      labelNames: ['kind'],
      registers: [registry],
    }).inc({ kind: 'a "quoted"\\ value\nwith newline' }, 3);
    new Histogram({ name: 'job_seconds', help: 'Job time.', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const families = parseExposition(await registry.metrics());

    expect(families.get('jobs_total')).toEqual({
      name: 'jobs_total',
      help: 'Jobs.\nDone "well" \\ or not',
      type: 'counter',
      samples: [{ name: 'jobs_total', labels: { kind: 'a "quoted"\\ value\nwith newline' }, value: 3 }],
    });
    const histogram = families.get('job_seconds');
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.samples.map((sample) => [sample.name, sample.labels.le, sample.value])).toEqual([
      ['job_seconds_bucket', '0.1', 0],
      ['job_seconds_bucket', '1', 1],
      ['job_seconds_bucket', '+Inf', 1],
      ['job_seconds_sum', undefined, 0.5],
      ['job_seconds_count', undefined, 1],
    ]);
    expect(sampleValue(families, 'job_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sampleValue(families, 'job_seconds_count', {})).toBe(1);
    expect(sampleValue(families, 'jobs_total', { kind: 'missing' })).toBeUndefined();
  });

  it('reads special values and timestamps', () => {
    const families = parseExposition('a 1 1700000000000\nb +Inf\nc NaN\nd -2.5e-3\n');
    expect([...families.values()].map((family) => family.samples[0].value)).toEqual([1, Infinity, NaN, -0.0025]);
  });

  it('reads special values in any case, as prom-client writes NaN ("Nan")', () => {
    const families = parseExposition('nodejs_eventloop_lag_mean_seconds Nan\nb +inf\nc -INF\n');
    expect([...families.values()].map((family) => family.samples[0].value)).toEqual([NaN, Infinity, -Infinity]);
  });

  it.each([
    ['a sample without a value', 'up{job="x"}'],
    ['an unterminated label value', 'up{job="x} 1'],
    ['a label without quotes', 'up{job=x} 1'],
    ['a repeated label', 'up{job="x",job="y"} 1'],
    ['a value that is not a number', 'up one'],
    ['an unknown type', '# TYPE up gauges'],
    ['a second TYPE', '# TYPE up gauge\n# TYPE up gauge'],
    ['a TYPE after samples', 'up 1\n# TYPE up gauge'],
  ])('refuses %s, naming the line', (_, text) => {
    expect(() => parseExposition(text)).toThrow(/^line \d+ of the exposition/);
  });
});
