import { aGatesReport, aVerdict } from '../testing/gate-samples.builder';
import { renderTextTable } from './text-table.renderer';

// eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

describe(renderTextTable.name, () => {
  it('renders aligned columns, the reason for every gate that did not pass, and the result', () => {
    expect(renderTextTable(aGatesReport())).toBe(
      [
        'GATE                      STATUS            VALUE    THRESHOLD  SAMPLES  MIN',
        'failure_rate              PASS              2.00%     <= 5.00%       50   30',
        'latency_p90_ms            FAIL          1234.5 ms   <= 1000 ms       50   30',
        'latency_p90_ms[execute]   INSUFFICIENT        n/a  <= 30000 ms        0   10',
        'decision_quality_online   INSUFFICIENT    100.00%    >= 90.00%        3   10',
        'decision_quality_offline  PASS             92.45%    >= 90.00%       53   40',
        '',
        'FAIL latency_p90_ms is 1234.5 ms, above the maximum of 1000 ms (over 50 samples)',
        'INSUFFICIENT latency_p90_ms[execute] has no samples of pattern "execute"; at least 10 are needed: check that the pattern name in gates.config.json matches a handler and that the workload exercises it',
        'INSUFFICIENT decision_quality_online has only 3 samples, at least 10 are needed to judge it (measured 100.00%): run a larger workload',
        '',
        'Gates: FAIL (5 gates: 2 passed, 1 failed, 2 insufficient)',
        '',
      ].join('\n'),
    );
  });

  it('lists no reasons when every gate passed', () => {
    expect(renderTextTable(aGatesReport({ passed: true, verdicts: [aVerdict()] }))).toBe(
      [
        'GATE          STATUS  VALUE  THRESHOLD  SAMPLES  MIN',
        'failure_rate  PASS    2.00%   <= 5.00%       50   30',
        '',
        'Gates: PASS (1 gate: 1 passed, 0 failed, 0 insufficient)',
        '',
      ].join('\n'),
    );
  });

  it('renders a header and a failing result when there are no gates', () => {
    expect(renderTextTable(aGatesReport({ verdicts: [] }))).toBe(
      'GATE  STATUS  VALUE  THRESHOLD  SAMPLES  MIN\n\nGates: FAIL (0 gates: 0 passed, 0 failed, 0 insufficient)\n',
    );
  });

  it('uses no colour unless asked', () => {
    expect(renderTextTable(aGatesReport())).not.toMatch(ANSI_ESCAPE);
  });

  it('colours the status markers when asked, keeping the columns aligned', () => {
    const coloured = renderTextTable(aGatesReport(), { colour: true });
    expect(coloured).toContain('\u001b[32mPASS\u001b[0m');
    expect(coloured).toContain('\u001b[31mFAIL\u001b[0m');
    expect(coloured).toContain('\u001b[33mINSUFFICIENT\u001b[0m');
    expect(coloured.replace(ANSI_ESCAPE, '')).toBe(renderTextTable(aGatesReport()));
  });
});
