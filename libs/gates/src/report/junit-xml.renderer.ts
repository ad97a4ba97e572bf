import type { GatesReport } from '../gates/gate-verdict';
import { countVerdicts, describeVerdict } from './describe-verdict';
import { escapeXmlAttribute as attr, escapeXmlText as text } from './xml-escape';

export interface JunitXmlOptions {
  /** Written as the suite's `timestamp`; left out when not given, so the output is reproducible. */
  readonly timestamp?: Date;
}

/**
 * The verdicts as JUnit XML for CI: one test suite `gates`, one test case per gate. A gate that
 * failed or had too few samples carries a `<failure>` whose `type` is its status, so CI shows both
 * as failed tests; a gate that passed says what it measured in `<system-out>`.
 */
export function renderJunitXml(report: GatesReport, options: JunitXmlOptions = {}): string {
  const counts = countVerdicts(report.verdicts);
  const failures = counts.fail + counts.insufficient;
  const totals = `tests="${counts.total}" failures="${failures}" errors="0"`;
  const timestamp = options.timestamp ? ` timestamp="${attr(options.timestamp.toISOString())}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="gates" ${totals}>`,
    `  <testsuite name="gates" ${totals} skipped="0"${timestamp}>`,
    '    <properties>',
    `      <property name="config_version" value="${attr(String(report.configVersion))}"/>`,
    '    </properties>',
  ];
  for (const verdict of report.verdicts) {
    const description = describeVerdict(verdict);
    lines.push(`    <testcase classname="gates.${attr(verdict.family)}" name="${attr(verdict.gate)}">`);
    if (verdict.status === 'pass') {
      lines.push(`      <system-out>${text(description)}</system-out>`);
    } else {
      lines.push(
        `      <failure message="${attr(description)}" type="${verdict.status}">${text(description)}</failure>`,
      );
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
