import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTscOutput } from './tsc-output.parser';

/** Real output of TypeScript 6.0.3, captured from a workspace at /tmp/ws3 (see fixtures/). */
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const WORKSPACE = '/tmp/ws3';

describe(parseTscOutput.name, () => {
  it('reads every diagnostic of the plain format with file, line, column, code and severity', () => {
    const diagnostics = parseTscOutput(fixture('tsc-plain.txt'), WORKSPACE);
    expect(diagnostics.map((d) => [d.file, d.line, d.column, d.code, d.severity])).toEqual([
      ['src/bad.ts', 3, 14, 'TS2322', 'error'],
      ['src/bad.ts', 5, 3, 'TS2345', 'error'],
      ['src/bad.ts', 6, 1, 'TS2578', 'error'],
      ['src/bad.ts', 8, 1, 'TS6133', 'error'],
      ['src/bad.ts', 8, 25, 'TS2307', 'error'],
      ['src/bad.ts', 9, 10, 'TS6133', 'error'],
      ['src/with space/(odd).ts', 1, 14, 'TS2322', 'error'],
    ]);
  });

  it('keeps a multi-line message chain together, with its indentation', () => {
    const [first] = parseTscOutput(fixture('tsc-plain.txt'), WORKSPACE);
    expect(first.message).toBe(
      [
        "Type '{ a: { b: { c: number; }; }; }' is not assignable to type 'Deep'.",
        "  The types of 'a.b.c' are incompatible between these types.",
        "    Type 'number' is not assignable to type 'string'.",
      ].join('\n'),
    );
  });

  it('reads the pretty format the same way, ignoring colours, snippets and the summary table', () => {
    expect(parseTscOutput(fixture('tsc-pretty.txt'), WORKSPACE)).toEqual(
      parseTscOutput(fixture('tsc-plain.txt'), WORKSPACE),
    );
  });

  it('does not take the related-information locations of the pretty format for diagnostics', () => {
    const diagnostics = parseTscOutput(fixture('tsc-pretty-related.txt'), WORKSPACE);
    expect(diagnostics).toHaveLength(6);
    expect(diagnostics[1]).toEqual({
      file: 'src/bad.ts',
      line: 3,
      column: 27,
      code: 'TS2322',
      message: `Type '"square"' is not assignable to type '"circle"'.`,
      severity: 'error',
    });
    expect(diagnostics.map((d) => d.message).join('\n')).not.toMatch(/expected type comes from/);
  });

  it('reports tsconfig problems at the tsconfig, and project-wide ones at no file', () => {
    const diagnostics = parseTscOutput(fixture('tsc-config-error.txt'), WORKSPACE);
    expect(diagnostics.find((d) => d.code === 'TS6046')).toMatchObject({ file: 'tsconfig.json', line: 2, column: 34 });
    expect(diagnostics.find((d) => d.code === 'TS5058')).toEqual({
      file: '',
      line: 0,
      column: 0,
      code: 'TS5058',
      message: "The specified path does not exist: 'missing.json'.",
      severity: 'error',
    });
    expect(diagnostics.find((d) => d.code === 'TS5011')?.message).toMatch(
      /'rootDir' setting must be explicitly set.*\n {2}Visit https:\/\/aka\.ms\/ts6/,
    );
  });

  it('makes absolute paths inside the workspace relative and leaves paths outside it alone', () => {
    const output = [
      "/tmp/ws3/src/a.ts(1,2): error TS2322: Type 'number' is not assignable to type 'string'.",
      '/opt/lib/lib.es5.d.ts(10,3): warning TS9999: something about a lib.',
      "../elsewhere.ts(4,5): error TS2304: Cannot find name 'x'.",
    ].join('\n');
    expect(parseTscOutput(output, WORKSPACE).map((d) => [d.file, d.severity])).toEqual([
      ['src/a.ts', 'error'],
      ['/opt/lib/lib.es5.d.ts', 'warning'],
      ['../elsewhere.ts', 'error'],
    ]);
  });

  it('ignores output that is not a diagnostic', () => {
    expect(parseTscOutput('Version 6.0.3\n\nFound 0 errors.\n  indented text\n', WORKSPACE)).toEqual([]);
  });

  it('handles Windows line endings', () => {
    const output = "src/a.ts(1,2): error TS2322: Type 'number'.\r\n  chained.\r\n";
    expect(parseTscOutput(output, WORKSPACE)).toEqual([
      expect.objectContaining({ file: 'src/a.ts', message: "Type 'number'.\n  chained." }),
    ]);
  });
});
