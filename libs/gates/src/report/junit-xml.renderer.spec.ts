import { aGatesReport, aVerdict } from '../testing/gate-samples.builder';
import { renderJunitXml } from './junit-xml.renderer';

describe(renderJunitXml.name, () => {
  it('renders one suite "gates" with one test case per gate, failing the failed and insufficient ones', () => {
    const report = aGatesReport({ verdicts: aGatesReport().verdicts.slice(0, 3) });
    expect(renderJunitXml(report, { timestamp: new Date('2026-01-02T03:04:05.678Z') })).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="gates" tests="3" failures="2" errors="0">',
        '  <testsuite name="gates" tests="3" failures="2" errors="0" skipped="0" timestamp="2026-01-02T03:04:05.678Z">',
        '    <properties>',
        '      <property name="config_version" value="1"/>',
        '    </properties>',
        '    <testcase classname="gates.failure_rate" name="failure_rate">',
        '      <system-out>failure_rate is 2.00%, at or below the maximum of 5.00% (over 50 samples)</system-out>',
        '    </testcase>',
        '    <testcase classname="gates.latency" name="latency_p90_ms">',
        '      <failure message="latency_p90_ms is 1234.5 ms, above the maximum of 1000 ms (over 50 samples)" type="fail">' +
          'latency_p90_ms is 1234.5 ms, above the maximum of 1000 ms (over 50 samples)</failure>',
        '    </testcase>',
        '    <testcase classname="gates.latency" name="latency_p90_ms[execute]">',
        '      <failure message="latency_p90_ms[execute] has no samples of pattern &quot;execute&quot;; at least 10 are needed: ' +
          'check that the pattern name in gates.config.json matches a handler and that the workload exercises it" type="insufficient">' +
          'latency_p90_ms[execute] has no samples of pattern "execute"; at least 10 are needed: ' +
          'check that the pattern name in gates.config.json matches a handler and that the workload exercises it</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('leaves the timestamp out unless given, so the output is reproducible', () => {
    const xml = renderJunitXml(aGatesReport());
    expect(xml).not.toContain('timestamp=');
    expect(renderJunitXml(aGatesReport())).toBe(xml);
  });

  it('counts every gate that did not pass as a failure', () => {
    expect(renderJunitXml(aGatesReport())).toContain(
      '<testsuite name="gates" tests="5" failures="3" errors="0" skipped="0">',
    );
  });

  it('escapes pattern names in attributes and text', () => {
    const pattern = `{"cmd":"a<b>&'c'"}`;
    const xml = renderJunitXml(
      aGatesReport({
        verdicts: [
          aVerdict({ gate: `failure_rate[${pattern}]`, pattern, value: 0.5, status: 'fail' }),
          aVerdict({
            gate: `latency_p90_ms[${pattern}]`,
            family: 'latency',
            pattern,
            unit: 'ms',
            value: 1,
            threshold: 2,
          }),
        ],
      }),
    );
    const escapedInAttribute = '{&quot;cmd&quot;:&quot;a&lt;b&gt;&amp;&apos;c&apos;&quot;}';
    expect(xml).toContain(`<testcase classname="gates.failure_rate" name="failure_rate[${escapedInAttribute}]">`);
    expect(xml).toContain(`<failure message="failure_rate[${escapedInAttribute}] is 50.00%, above the maximum`);
    expect(xml).toContain(`type="fail">failure_rate[{"cmd":"a&lt;b&gt;&amp;'c'"}] is 50.00%`);
    expect(xml).toContain(`<system-out>latency_p90_ms[{"cmd":"a&lt;b&gt;&amp;'c'"}] is 1 ms, at or below`);
    expect(xml).not.toMatch(/<b>|&'/);
  });

  it('drops characters XML cannot carry', () => {
    const xml = renderJunitXml(aGatesReport({ verdicts: [aVerdict({ gate: 'bell\u0007gate' })] }));
    expect(xml).toContain('name="bellgate"');
    expect(xml).not.toContain('\u0007');
  });
});
