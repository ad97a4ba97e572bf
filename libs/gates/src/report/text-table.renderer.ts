import type { GateStatus, GatesReport } from '../gates/gate-verdict';
import { countVerdicts, describeVerdict, formatGateValue } from './describe-verdict';

export interface TextTableOptions {
  /** Colour the status markers with ANSI escapes; off by default, for logs and pipes. */
  readonly colour?: boolean;
}

const MARKERS: Readonly<Record<GateStatus, string>> = { pass: 'PASS', fail: 'FAIL', insufficient: 'INSUFFICIENT' };
const ANSI: Readonly<Record<GateStatus, string>> = {
  pass: '\u001b[32m',
  fail: '\u001b[31m',
  insufficient: '\u001b[33m',
};
const ANSI_RESET = '\u001b[0m';

type Align = 'left' | 'right';
const COLUMNS: readonly { readonly title: string; readonly align: Align }[] = [
  { title: 'GATE', align: 'left' },
  { title: 'STATUS', align: 'left' },
  { title: 'VALUE', align: 'right' },
  { title: 'THRESHOLD', align: 'right' },
  { title: 'SAMPLES', align: 'right' },
  { title: 'MIN', align: 'right' },
];
const STATUS_COLUMN = 1;

/**
 * The verdicts as a table for a terminal, columns aligned, then the reason for every gate that did
 * not pass and a one-line result. Plain ASCII unless `colour` is asked for; the last column is
 * right-aligned, so no line carries trailing spaces.
 */
export function renderTextTable(report: GatesReport, options: TextTableOptions = {}): string {
  const rows = report.verdicts.map((verdict) => [
    verdict.gate,
    MARKERS[verdict.status],
    formatGateValue(verdict.value, verdict.unit),
    `${verdict.comparator} ${formatGateValue(verdict.threshold, verdict.unit)}`,
    String(verdict.samples),
    String(verdict.minSamples),
  ]);
  const widths = COLUMNS.map((column, index) => Math.max(column.title.length, ...rows.map((row) => row[index].length)));
  const line = (cells: readonly string[], status?: GateStatus): string =>
    cells
      .map((cell, index) => {
        const padding = ' '.repeat(widths[index] - cell.length);
        const shown =
          options.colour && status && index === STATUS_COLUMN ? `${ANSI[status]}${cell}${ANSI_RESET}` : cell;
        return COLUMNS[index].align === 'left' ? shown + padding : padding + shown;
      })
      .join('  ');

  const lines = [
    line(COLUMNS.map((column) => column.title)),
    ...rows.map((row, index) => line(row, report.verdicts[index].status)),
  ];
  const problems = report.verdicts.filter((verdict) => verdict.status !== 'pass');
  if (problems.length > 0) {
    lines.push('', ...problems.map((verdict) => `${MARKERS[verdict.status]} ${describeVerdict(verdict)}`));
  }
  const counts = countVerdicts(report.verdicts);
  const result = report.passed ? 'PASS' : 'FAIL';
  lines.push(
    '',
    `Gates: ${options.colour ? `${ANSI[report.passed ? 'pass' : 'fail']}${result}${ANSI_RESET}` : result} ` +
      `(${counts.total} gate${counts.total === 1 ? '' : 's'}: ${counts.pass} passed, ${counts.fail} failed, ${counts.insufficient} insufficient)`,
  );
  return `${lines.join('\n')}\n`;
}
