import shippedConfig from '../../../../gates.config.json';
import { GatesConfigError } from '../errors/gates-config.error';
import { parseGatesConfig } from './parse-gates-config';

function problemsOf(json: unknown): readonly string[] {
  try {
    parseGatesConfig(json);
  } catch (caught) {
    expect(caught).toBeInstanceOf(GatesConfigError);
    return (caught as GatesConfigError).problems;
  }
  throw new Error('expected parseGatesConfig to throw');
}

/** The smallest valid file. */
const minimal = {
  version: 1,
  min_samples: { outcomes: 30, per_pattern: 10, decisions: 10, evaluation: 40 },
  failure_rate: { max: 0.05 },
  latency_ms: { p90: { max: 1000 } },
  decision_quality: { online_min: 0.9, offline_min: 0.9 },
};

describe(parseGatesConfig.name, () => {
  it('reads the thresholds file kept at the repository root', () => {
    expect(parseGatesConfig(shippedConfig)).toEqual({
      version: 1,
      minSamples: { outcomes: 30, perPattern: 10, decisions: 10, evaluation: 40 },
      failureRate: { max: 0.05, perPattern: {} },
      latencyMs: {
        p90: { max: 15000 },
        perPattern: { 'orchestrator.plan': { p90: { max: 2000 } }, 'dispatcher.execute': { p90: { max: 60000 } } },
      },
      decisionQuality: { onlineMin: 0.9, offlineMin: 0.9 },
    });
  });

  it('camelCases the file and defaults the per-pattern maps to empty', () => {
    expect(parseGatesConfig(minimal)).toEqual({
      version: 1,
      minSamples: { outcomes: 30, perPattern: 10, decisions: 10, evaluation: 40 },
      failureRate: { max: 0.05, perPattern: {} },
      latencyMs: { p90: { max: 1000 }, perPattern: {} },
      decisionQuality: { onlineMin: 0.9, offlineMin: 0.9 },
    });
  });

  it('reads optional p50 and p99 ceilings and per-pattern failure rates', () => {
    const config = parseGatesConfig({
      ...minimal,
      failure_rate: { max: 0.05, per_pattern: { 'build.run': { max: 0.1 } } },
      latency_ms: {
        p50: { max: 200 },
        p90: { max: 1000 },
        p99: { max: 5000 },
        per_pattern: { plan: { p99: { max: 50 } } },
      },
    });
    expect(config.failureRate.perPattern).toEqual({ 'build.run': { max: 0.1 } });
    expect(config.latencyMs).toEqual({
      p50: { max: 200 },
      p90: { max: 1000 },
      p99: { max: 5000 },
      perPattern: { plan: { p99: { max: 50 } } },
    });
  });

  it('accepts the limits of each range: a share of 0 or 1 and a single sample', () => {
    const config = parseGatesConfig({
      ...minimal,
      min_samples: { outcomes: 1, per_pattern: 1, decisions: 1, evaluation: 1 },
      failure_rate: { max: 0 },
      decision_quality: { online_min: 1, offline_min: 0 },
    });
    expect(config.failureRate.max).toBe(0);
    expect(config.decisionQuality).toEqual({ onlineMin: 1, offlineMin: 0 });
  });

  it('reports every problem of the file at once, each with the path of its field', () => {
    const problems = problemsOf({
      version: 2,
      min_samples: { outcomes: 0, per_pattern: 2.5, evaluation: '40' },
      failure_rate: { max: 5 },
      failure_rtae: { max: 0.05 },
      latency_ms: { p95: { max: 100 }, per_pattern: { plan: {}, execute: { p90: { max: -1 } } } },
      decision_quality: { online_min: '0.9', offline_min: null },
    });
    expect(problems).toEqual([
      'failure_rtae is not a known setting (expected one of version, min_samples, failure_rate, latency_ms, decision_quality)',
      'version 2 is not supported; this build reads version 1',
      'min_samples.outcomes must be a whole number of at least 1, got 0',
      'min_samples.per_pattern must be a whole number of at least 1, got 2.5',
      'min_samples.decisions is required (a whole number of at least 1)',
      'min_samples.evaluation must be a whole number of at least 1, got "40"',
      'failure_rate.max must be a number from 0 to 1 (0.05 is 5%), got 5',
      'latency_ms.p95 is not a known setting (expected one of p50, p90, p99, per_pattern)',
      'latency_ms.p90 is required ({"max": <milliseconds>})',
      'latency_ms.per_pattern["plan"] must set at least one of p50, p90, p99',
      'latency_ms.per_pattern["execute"].p90.max must be a number of milliseconds above 0, got -1',
      'decision_quality.online_min must be a number from 0 to 1 (0.05 is 5%), got "0.9"',
      'decision_quality.offline_min must be a number from 0 to 1 (0.05 is 5%), got null',
    ]);
  });

  it('says how many problems there are, in which file, and where the fields are described', () => {
    expect(() => parseGatesConfig({ ...minimal, version: undefined }, 'ci/gates.json')).toThrow(
      'ci/gates.json is not valid (1 problem):\n' +
        '  - version is required; this build reads version 1\n' +
        'Fix ci/gates.json; every field is described in libs/gates/README.md.',
    );
  });

  it('rejects a file that is not an object, and missing sections', () => {
    expect(problemsOf([minimal])).toEqual(['the file must be an object, got an array']);
    expect(problemsOf({ version: 1 })).toEqual([
      'min_samples is required (an object)',
      'failure_rate is required (an object)',
      'latency_ms is required (an object)',
      'decision_quality is required (an object)',
    ]);
  });

  it('allows a "$comment" string in any object, and nothing else unknown', () => {
    expect(() =>
      parseGatesConfig({
        $comment: 'top',
        ...minimal,
        latency_ms: { $comment: 'ms', p90: { max: 1000, $comment: 'p90' }, per_pattern: { $comment: 'patterns' } },
      }),
    ).not.toThrow();
    expect(problemsOf({ ...minimal, $comment: 42, failure_rate: { max: 0.05, maximum: 0.1 } })).toEqual([
      '$comment must be a string',
      'failure_rate.maximum is not a known setting (expected one of max, per_pattern)',
    ]);
  });

  it('rejects an empty pattern name', () => {
    expect(problemsOf({ ...minimal, failure_rate: { max: 0.05, per_pattern: { ' ': { max: 0.1 } } } })).toEqual([
      'failure_rate.per_pattern[" "]: a pattern must not be empty',
    ]);
  });

  it('keeps any pattern name, even one that looks like an object property, as a plain key', () => {
    // JSON.parse, unlike an object literal, makes "__proto__" an own key, as reading the file would.
    const perPattern: unknown = JSON.parse(
      '{"__proto__": {"p90": {"max": 5}}, "{\\"cmd\\":\\"ping\\"}": {"p50": {"max": 7}}}',
    );
    const config = parseGatesConfig({ ...minimal, latency_ms: { p90: { max: 1000 }, per_pattern: perPattern } });
    expect(Object.keys(config.latencyMs.perPattern)).toEqual(['__proto__', '{"cmd":"ping"}']);
    expect(Object.getPrototypeOf(config.latencyMs.perPattern)).toBe(Object.prototype);
    expect(config.latencyMs.perPattern['{"cmd":"ping"}']).toEqual({ p50: { max: 7 } });
  });
});
