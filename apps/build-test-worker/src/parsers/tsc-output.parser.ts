import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '@cogo/contracts';

// `src/a.ts(3,7): error TS2322: message` — tsc's output when stdout is not a terminal or with --pretty false.
const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning|message|suggestion) (TS\d+): (.*)$/;
// `src/a.ts:3:7 - error TS2322: message` — the --pretty format, once its colours are stripped.
const PRETTY = /^(\S.*?):(\d+):(\d+) - (error|warning|message|suggestion) (TS\d+): (.*)$/;
// `error TS5058: message` — about the command line or the project as a whole, not a file.
const GLOBAL = /^(error|warning|message|suggestion) (TS\d+): (.*)$/;
// A message chain continues on the following lines, indented by two spaces per level.
const CONTINUATION = /^ {2,}\S/;
// eslint-disable-next-line no-control-regex -- ANSI colour sequences are control characters by definition
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Turns what `tsc` printed into diagnostics, in the order tsc reported them. Both the plain and
 * the pretty format are understood; source snippets, related-information blocks and the
 * "Found N errors" summary of the pretty format are skipped. Files are made relative to the
 * workspace (posix separators); a diagnostic about no file in particular (a bad command line, a
 * missing tsconfig) has file `''` and line and column 0.
 */
export function parseTscOutput(output: string, workspaceDir: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let current: { diagnostic: Diagnostic; lines: string[] } | undefined;
  const flush = (): void => {
    if (current) diagnostics.push({ ...current.diagnostic, message: current.lines.join('\n') });
    current = undefined;
  };

  for (const raw of output.replace(ANSI, '').split(/\r?\n/)) {
    const line = raw.trimEnd();
    const located = PLAIN.exec(line) ?? PRETTY.exec(line);
    if (located) {
      flush();
      const [, file, lineNumber, column, category, code, message] = located;
      current = {
        diagnostic: {
          file: workspaceRelative(file, workspaceDir),
          line: Number(lineNumber),
          column: Number(column),
          code,
          message,
          severity: severityOf(category),
        },
        lines: [message],
      };
      continue;
    }
    const global = GLOBAL.exec(line);
    if (global) {
      flush();
      const [, category, code, message] = global;
      current = {
        diagnostic: { file: '', line: 0, column: 0, code, message, severity: severityOf(category) },
        lines: [message],
      };
      continue;
    }
    if (current && CONTINUATION.test(line)) {
      current.lines.push(line);
      continue;
    }
    // A blank line, a source snippet or a summary ends the message of the current diagnostic.
    flush();
  }
  flush();
  return diagnostics;
}

function severityOf(category: string): Diagnostic['severity'] {
  return category === 'error' ? 'error' : 'warning';
}

/** `src/a.ts` for a file inside the workspace; a file outside it (a lib .d.ts) keeps its path. */
function workspaceRelative(file: string, workspaceDir: string): string {
  const absolute = resolve(workspaceDir, file);
  const inside = relative(workspaceDir, absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return file;
  return inside.split(sep).join(posix.sep);
}
