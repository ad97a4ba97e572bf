import type { TestCaseResult } from '@cogo/contracts';

/** What a TAP stream said, as far as it got. */
export interface TapReport {
  readonly tests: TestCaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** False when the stream stopped before its closing plan: the run was killed or crashed. */
  readonly complete: boolean;
}

export interface TapParseOptions {
  /** Absolute workspace path: file-level test names (a crashed test file) are shown relative to it. */
  readonly workspaceDir?: string;
}

/** Node's TAP reporter indents each level of subtests by four spaces. */
const INDENT = 4;
const TEST_POINT = /^( *)(ok|not ok) \d+(?: - (.*))?$/;
const SUBTEST = /^( *)# Subtest: (.*)$/;
const PLAN = /^1\.\.\d+/;
const YAML_START = /^ *---$/;
const YAML_END = /^ *\.\.\.$/;
const YAML_KEY = /^([A-Za-z_][\w]*):(?: (.*))?$/;
const SEPARATOR = ' > ';

interface TestPoint {
  readonly depth: number;
  readonly ok: boolean;
  readonly name: string;
  readonly directive?: 'skip' | 'todo';
  readonly hasSubtests: boolean;
  readonly path: readonly string[];
  yaml: Map<string, string>;
}

/**
 * Parses the output of `node --test --test-reporter=tap` into test cases. Every test without
 * subtests is one case, named by its path (`suite > test`). A suite or parent test is listed
 * only when it failed for a reason of its own (a hook, its own code) rather than because a
 * subtest failed, so one failure is never counted twice. `# TODO` tests count as skipped, as
 * they do not decide the outcome. Output that is not TAP (what the tests printed) is ignored,
 * and a stream cut off mid-way (a timeout) yields the tests reported so far.
 */
export function parseTap(output: string, options: TapParseOptions = {}): TapReport {
  const lines = output.split(/\r?\n/);
  const names: string[] = [];
  const childSeen: boolean[] = [];
  const points: TestPoint[] = [];
  let complete = false;

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const depth = depthOf(subtest[1]);
      names.length = depth;
      childSeen.length = depth;
      names[depth] = unescapeName(subtest[2]);
      childSeen[depth] = false;
      if (depth > 0) childSeen[depth - 1] = true;
      continue;
    }
    const point = TEST_POINT.exec(line);
    if (point) {
      const depth = depthOf(point[1]);
      const { name, directive } = splitDirective(point[3] ?? '');
      const test: TestPoint = {
        depth,
        ok: point[2] === 'ok',
        name,
        directive,
        hasSubtests: childSeen[depth] === true && names[depth] === name,
        path: [...names.slice(0, depth), name],
        yaml: new Map(),
      };
      if (depth > 0) childSeen[depth - 1] = true;
      const block = readYaml(lines, index + 1);
      test.yaml = block.values;
      index = block.next - 1;
      points.push(test);
      names.length = depth;
      childSeen.length = depth;
      continue;
    }
    if (PLAN.test(line)) complete = true;
  }

  const tests = points.flatMap((point) => toCase(point, options));
  return {
    tests,
    passed: tests.filter((test) => test.status === 'passed').length,
    failed: tests.filter((test) => test.status === 'failed').length,
    skipped: tests.filter((test) => test.status === 'skipped').length,
    complete,
  };
}

function toCase(point: TestPoint, options: TapParseOptions): TestCaseResult[] {
  const name = displayName(point.path, options.workspaceDir);
  const durationMs = roundMs(Number(point.yaml.get('duration_ms') ?? 0));
  if (point.directive) return [{ name, status: 'skipped', durationMs }];
  if (point.hasSubtests && (point.ok || point.yaml.get('failureType') === 'subtestsFailed')) return [];
  if (point.ok) return [{ name, status: 'passed', durationMs }];
  return [{ name, status: 'failed', durationMs, failure: failureOf(point.yaml) }];
}

/** The error, the compared values of an assertion, and how a crashed test file ended. */
function failureOf(yaml: Map<string, string>): string {
  const parts = [yaml.get('error') ?? 'failed (no error message was reported)'];
  for (const key of ['expected', 'actual']) {
    const value = yaml.get(key);
    if (value !== undefined) parts.push(value.includes('\n') ? `${key}:\n${indent(value)}` : `${key}: ${value}`);
  }
  const exitCode = yaml.get('exitCode');
  const signal = yaml.get('signal');
  if (signal !== undefined && signal !== '~') parts.push(`the test process was killed by ${signal}`);
  else if (exitCode !== undefined && exitCode !== '~') parts.push(`the test process exited with code ${exitCode}`);
  return parts.join('\n').trim();
}

function displayName(path: readonly string[], workspaceDir: string | undefined): string {
  const prefix = workspaceDir ? `${workspaceDir.replace(/\/+$/, '')}/` : undefined;
  return path.map((part) => (prefix && part.startsWith(prefix) ? part.slice(prefix.length) : part)).join(SEPARATOR);
}

/**
 * Reads the YAML diagnostic block that may follow a test point. Only the subset Node writes is
 * understood: `key: scalar`, `key: |-` literal blocks and nested maps (kept as their text).
 */
function readYaml(lines: readonly string[], start: number): { values: Map<string, string>; next: number } {
  const values = new Map<string, string>();
  if (start >= lines.length || !YAML_START.test(lines[start])) return { values, next: start };
  const keyIndent = indentOf(lines[start]);
  let index = start + 1;
  while (index < lines.length) {
    const line = lines[index];
    if (YAML_END.test(line) && indentOf(line) === keyIndent) return { values, next: index + 1 };
    const entry = indentOf(line) === keyIndent ? YAML_KEY.exec(line.slice(keyIndent)) : null;
    index++;
    if (!entry) continue;
    const [, key, inline] = entry;
    const nested: string[] = [];
    while (index < lines.length && isNested(lines[index], keyIndent)) nested.push(lines[index++]);
    values.set(key, inline === undefined || inline === '|-' || inline === '|' ? dedent(nested) : unquote(inline));
  }
  // The stream ended inside the block: keep what was read.
  return { values, next: index };
}

function isNested(line: string, keyIndent: number): boolean {
  return line.trim() === '' ? !YAML_END.test(line) : indentOf(line) > keyIndent;
}

function dedent(lines: readonly string[]): string {
  const indents = lines.filter((line) => line.trim() !== '').map(indentOf);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((line) => line.slice(common).trimEnd())
    .join('\n')
    .trim();
}

/** Node writes single-line strings with `util.inspect`: quoted, with JavaScript escapes. */
function unquote(value: string): string {
  const quote = value[0];
  if ((quote === "'" || quote === '"' || quote === '`') && value.endsWith(quote) && value.length >= 2) {
    return value
      .slice(1, -1)
      .replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, escape: string) => {
        switch (escape[0]) {
          case 'n':
            return '\n';
          case 't':
            return '\t';
          case 'r':
            return '\r';
          case 'b':
            return '\b';
          case 'f':
            return '\f';
          case 'v':
            return '\v';
          case 'x':
          case 'u':
            return escape.length > 1 ? String.fromCodePoint(parseInt(escape.replace(/[xu{}]/g, ''), 16)) : escape;
          default:
            return escape;
        }
      });
  }
  return value;
}

/** Splits `name # SKIP reason` at the first unescaped `#`; the name keeps its text, unescaped. */
function splitDirective(text: string): { name: string; directive?: 'skip' | 'todo' } {
  let cut = -1;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '\\') {
      index++;
      continue;
    }
    if (text[index] === '#') {
      cut = index;
      break;
    }
  }
  if (cut < 0) return { name: unescapeName(text) };
  const directive = /^#\s*(SKIP|TODO)\b/i.exec(text.slice(cut))?.[1]?.toLowerCase() as 'skip' | 'todo' | undefined;
  return { name: unescapeName(text.slice(0, cut).trimEnd()), directive };
}

/** Undoes the escaping of Node's TAP reporter (`\#`, `\\`, `\n`, ...), one escape at a time. */
function unescapeName(text: string): string {
  return text.replace(/\\(.)/g, (_, escaped: string) => {
    switch (escaped) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      default:
        return escaped;
    }
  });
}

function depthOf(indentation: string): number {
  return Math.floor(indentation.length / INDENT);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function roundMs(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
