import { aGatesReport, aVerdict } from '../testing/gate-samples.builder';
import { countVerdicts, describeVerdict, formatGateValue } from './describe-verdict';

describe(formatGateValue.name, () => {
  it('shows shares as percentages with two decimals', () => {
    expect(formatGateValue(0.05, 'share')).toBe('5.00%');
    expect(formatGateValue(49 / 53, 'share')).toBe('92.45%');
    expect(formatGateValue(1, 'share')).toBe('100.00%');
  });

  it('shows milliseconds whole, or to one decimal when interpolated', () => {
    expect(formatGateValue(15000, 'ms')).toBe('15000 ms');
    expect(formatGateValue(1234.56, 'ms')).toBe('1234.6 ms');
  });

  it('shows a missing value as n/a', () => {
    expect(formatGateValue(null, 'ms')).toBe('n/a');
  });
});

describe(describeVerdict.name, () => {
  const [underCeiling, breach, unseenPattern, tooFew, overFloor] = aGatesReport().verdicts;

  it('says a passing gate is on the right side of its bound', () => {
    expect(describeVerdict(underCeiling)).toBe(
      'failure_rate is 2.00%, at or below the maximum of 5.00% (over 50 samples)',
    );
    expect(describeVerdict(overFloor)).toBe(
      'decision_quality_offline is 92.45%, at or above the minimum of 90.00% (over 53 samples)',
    );
  });

  it('says by how much a failing gate missed', () => {
    expect(describeVerdict(breach)).toBe('latency_p90_ms is 1234.5 ms, above the maximum of 1000 ms (over 50 samples)');
    expect(
      describeVerdict(aVerdict({ comparator: '>=', value: 0.5, threshold: 0.9, samples: 1, status: 'fail' })),
    ).toBe('failure_rate is 50.00%, below the minimum of 90.00% (over 1 sample)');
  });

  it('points at the pattern name when a per-pattern gate saw no samples at all', () => {
    expect(describeVerdict(unseenPattern)).toBe(
      'latency_p90_ms[execute] has no samples of pattern "execute"; at least 10 are needed: ' +
        'check that the pattern name in gates.config.json matches a handler and that the workload exercises it',
    );
  });

  it('points at the workload when an overall gate saw no samples', () => {
    expect(describeVerdict(aVerdict({ value: null, samples: 0, status: 'insufficient' }))).toBe(
      'failure_rate has no samples; at least 30 are needed: check that the workload ran and its samples were collected',
    );
  });

  it('asks for a larger workload when there were some samples but too few', () => {
    expect(describeVerdict(tooFew)).toBe(
      'decision_quality_online has only 3 samples, at least 10 are needed to judge it (measured 100.00%): run a larger workload',
    );
  });
});

describe(countVerdicts.name, () => {
  it('counts each status', () => {
    expect(countVerdicts(aGatesReport().verdicts)).toEqual({ total: 5, pass: 2, fail: 1, insufficient: 2 });
    expect(countVerdicts([])).toEqual({ total: 0, pass: 0, fail: 0, insufficient: 0 });
  });
});
