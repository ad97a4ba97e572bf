/**
 * `npm run -s audit:prod`: the production dependency audit. Runs `npm audit --omit=dev --json`,
 * prints every advisory as a table, and fails on any high or critical one that
 * `audit-exceptions.json` does not explain with an unexpired entry.
 *
 *   --report <file>   judge a saved `npm audit --omit=dev --json` output instead of running npm
 *                     (for a report made on a machine that can reach the advisory endpoint)
 *
 * Exit codes:
 *   0  no high or critical advisory, or each one explained by an unexpired exception
 *   1  a high or critical advisory is unexplained (or its exception expired)
 *   2  the advisory endpoint could not be reached: nothing was judged
 *   3  the audit could not run, its output was not understood, or audit-exceptions.json is invalid
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** dist/scripts/audit-prod.js -> the project root, where package-lock.json and the exceptions live. */
const ROOT = resolve(__dirname, '..', '..');
const EXCEPTIONS_FILE = 'audit-exceptions.json';
const AUDIT_TIMEOUT_MS = 120_000;

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
const BLOCKING: readonly Severity[] = ['high', 'critical'];

export const EXIT = { ok: 0, vulnerable: 1, unreachable: 2, failed: 3 } as const;

/** One advisory against one package, as npm reports it in a `via` entry. */
export interface Advisory {
  /** The GHSA id when the advisory links to github.com/advisories, else `npm:<source>`. */
  readonly id: string;
  readonly source: number | null;
  readonly package: string;
  readonly severity: Severity;
  readonly title: string;
  readonly url: string;
  /** The vulnerable versions. */
  readonly range: string;
  /** Where the package sits in node_modules. */
  readonly nodes: readonly string[];
  /** Packages that are vulnerable only through this one. */
  readonly effects: readonly string[];
}

/** An entry of audit-exceptions.json: why an advisory may stay, and until when. */
export interface AuditException {
  readonly id: string;
  readonly package: string;
  readonly reason: string;
  /** `YYYY-MM-DD`, the last day the exception holds. */
  readonly expires: string;
}

export type AuditOutcome =
  | { readonly kind: 'report'; readonly advisories: readonly Advisory[]; readonly dependencies: number | null }
  | { readonly kind: 'unreachable'; readonly reason: string }
  | { readonly kind: 'unrecognised'; readonly reason: string };

export type AdvisoryStatus = 'blocking' | 'excepted' | 'exception expired' | 'below threshold';

export interface JudgedAdvisory {
  readonly advisory: Advisory;
  readonly status: AdvisoryStatus;
  readonly exception?: AuditException;
}

export interface Verdict {
  readonly judged: readonly JudgedAdvisory[];
  /** Exceptions that match no advisory of this report: candidates for removal. */
  readonly unusedExceptions: readonly AuditException[];
  readonly exitCode: number;
}

/** A problem with the exceptions file; every problem is listed at once. */
export class AuditExceptionsError extends Error {}

/** Network failures npm reports by code: the advisory endpoint was not reached. */
const NETWORK_CODE =
  /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|E[45]\d\d)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeverity(value: unknown): value is Severity {
  return (SEVERITIES as readonly unknown[]).includes(value);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `https://github.com/advisories/GHSA-xxxx-xxxx-xxxx` -> `GHSA-xxxx-xxxx-xxxx`. */
function advisoryId(url: string, source: number | null): string {
  const ghsa = /\b(GHSA(?:-[0-9a-z]{4}){3})\b/i.exec(url);
  if (ghsa) return ghsa[1];
  return source === null ? url : `npm:${source}`;
}

/**
 * Reads what `npm audit --json` printed (npm 7 to 11: `auditReportVersion` 2). Each package's
 * `via` lists advisory objects (the package itself is vulnerable) and package names (it is
 * vulnerable only through a dependency, which has its own entry). Only the advisory objects are
 * advisories; the names become `effects`. When npm could not reach the advisory endpoint it
 * prints the HTTP failure (`statusCode`, `uri`) or an error code instead of a report.
 */
export function parseAuditOutput(stdout: string, stderr = ''): AuditOutcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    if (/audit endpoint returned an error/.test(stderr)) {
      return { kind: 'unreachable', reason: firstLine(stderr) };
    }
    return { kind: 'unrecognised', reason: `npm audit printed no JSON: ${firstLine(stdout || stderr) || '(nothing)'}` };
  }
  if (!isRecord(parsed)) return { kind: 'unrecognised', reason: 'npm audit printed JSON that is not an object' };

  if (isRecord(parsed.vulnerabilities) && parsed.auditReportVersion === 2) {
    const advisories = new Map<string, Advisory>();
    for (const [name, entry] of Object.entries(parsed.vulnerabilities)) {
      if (!isRecord(entry)) continue;
      const vias = Array.isArray(entry.via) ? entry.via : [];
      for (const via of vias) {
        if (!isRecord(via) || !isSeverity(via.severity)) continue;
        const source = typeof via.source === 'number' ? via.source : null;
        const url = typeof via.url === 'string' ? via.url : '';
        const advisory: Advisory = {
          id: advisoryId(url, source),
          source,
          package: typeof via.name === 'string' ? via.name : name,
          severity: via.severity,
          title: typeof via.title === 'string' ? via.title : '(no title)',
          url,
          range: typeof via.range === 'string' ? via.range : typeof entry.range === 'string' ? entry.range : '*',
          nodes: stringArray(entry.nodes),
          effects: stringArray(entry.effects),
        };
        advisories.set(`${advisory.package}\u0000${advisory.id}`, advisory);
      }
    }
    const metadata = isRecord(parsed.metadata) ? parsed.metadata : {};
    const dependencies = isRecord(metadata.dependencies) ? metadata.dependencies : {};
    return {
      kind: 'report',
      advisories: [...advisories.values()].sort(bySeverityThenPackage),
      dependencies: typeof dependencies.prod === 'number' ? dependencies.prod : null,
    };
  }

  if (typeof parsed.uri === 'string' && (typeof parsed.statusCode === 'number' || typeof parsed.message === 'string')) {
    const status = typeof parsed.statusCode === 'number' ? `${parsed.statusCode} ` : '';
    const message = typeof parsed.message === 'string' ? parsed.message : `${status}from ${parsed.uri}`;
    return { kind: 'unreachable', reason: message };
  }
  const error = isRecord(parsed.error) ? parsed.error : undefined;
  if (error && typeof error.code === 'string' && NETWORK_CODE.test(error.code)) {
    const summary = typeof error.summary === 'string' && error.summary ? `: ${firstLine(error.summary)}` : '';
    return { kind: 'unreachable', reason: `${error.code}${summary}` };
  }
  if (error) {
    const code = typeof error.code === 'string' ? error.code : 'an error';
    const summary = typeof error.summary === 'string' ? firstLine(error.summary) : '';
    return { kind: 'unrecognised', reason: `npm audit failed with ${code}${summary ? `: ${summary}` : ''}` };
  }
  return { kind: 'unrecognised', reason: 'npm audit printed JSON without an auditReportVersion 2 report' };
}

/** Reads audit-exceptions.json: an array of {id, package, reason, expires}. */
export function parseExceptions(text: string): AuditException[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AuditExceptionsError(`${EXCEPTIONS_FILE} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new AuditExceptionsError(`${EXCEPTIONS_FILE} must be an array of {id, package, reason, expires}.`);
  }
  const problems: string[] = [];
  const exceptions: AuditException[] = [];
  parsed.forEach((entry: unknown, index) => {
    const where = `entry ${index}`;
    if (!isRecord(entry)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const { id, package: name, reason, expires } = entry;
    const before = problems.length;
    if (typeof id !== 'string' || !/^(GHSA(-[0-9a-z]{4}){3}|npm:\d+|\d+)$/i.test(id)) {
      problems.push(`${where}: id must be a GHSA id (GHSA-xxxx-xxxx-xxxx) or an npm advisory number`);
    }
    if (typeof name !== 'string' || name.trim() === '') problems.push(`${where}: package must name the package`);
    if (typeof reason !== 'string' || reason.trim().length < 20) {
      problems.push(
        `${where}: reason must say why the advisory does not apply or cannot be fixed yet (20+ characters)`,
      );
    }
    if (typeof expires !== 'string' || !isCalendarDate(expires)) {
      problems.push(`${where}: expires must be a date, YYYY-MM-DD`);
    }
    if (problems.length === before) {
      exceptions.push({
        id: id as string,
        package: name as string,
        reason: reason as string,
        expires: expires as string,
      });
    }
  });
  if (problems.length > 0) {
    throw new AuditExceptionsError(`${EXCEPTIONS_FILE} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return exceptions;
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function matches(exception: AuditException, advisory: Advisory): boolean {
  const id = exception.id.toLowerCase();
  const sameAdvisory =
    id === advisory.id.toLowerCase() ||
    (advisory.source !== null && id.replace(/^npm:/, '') === String(advisory.source));
  return sameAdvisory && exception.package === advisory.package;
}

/**
 * Decides which advisories block: high and critical ones, unless an exception names the same
 * advisory and package and has not expired (it holds through its `expires` day, in UTC).
 */
export function judge(advisories: readonly Advisory[], exceptions: readonly AuditException[], today: Date): Verdict {
  const day = today.toISOString().slice(0, 10);
  const used = new Set<AuditException>();
  const judged = advisories.map((advisory): JudgedAdvisory => {
    const exception = exceptions.find((candidate) => matches(candidate, advisory));
    if (exception) used.add(exception);
    if (!BLOCKING.includes(advisory.severity)) return { advisory, status: 'below threshold', exception };
    if (!exception) return { advisory, status: 'blocking' };
    return { advisory, status: exception.expires >= day ? 'excepted' : 'exception expired', exception };
  });
  const failing = judged.some((entry) => entry.status === 'blocking' || entry.status === 'exception expired');
  return {
    judged,
    unusedExceptions: exceptions.filter((exception) => !used.has(exception)),
    exitCode: failing ? EXIT.vulnerable : EXIT.ok,
  };
}

/** The advisories as a plain-text table, most severe first. */
export function renderTable(judged: readonly JudgedAdvisory[]): string {
  if (judged.length === 0) return 'No advisories affect the production dependencies.\n';
  const header = ['severity', 'package', 'advisory', 'vulnerable', 'status', 'title'];
  const rows = judged.map(({ advisory, status, exception }) => [
    advisory.severity,
    advisory.package,
    advisory.id,
    advisory.range,
    exception && status !== 'below threshold' ? `${status} (until ${exception.expires})` : status,
    advisory.title,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}

function bySeverityThenPackage(a: Advisory, b: Advisory): number {
  return SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.package.localeCompare(b.package);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function runNpmAudit(): Promise<AuditOutcome> {
  return new Promise((done) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: AUDIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        // npm exits 1 whenever it found any advisory, so the exit code says nothing: read the JSON.
        if (error && (error.killed || error.signal)) {
          done({ kind: 'unreachable', reason: `npm audit did not answer within ${AUDIT_TIMEOUT_MS / 1000} s` });
        } else if (error && error.code === 'ENOENT') {
          done({ kind: 'unrecognised', reason: 'npm is not on the PATH' });
        } else {
          done(parseAuditOutput(stdout, stderr));
        }
      },
    );
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const reportIndex = argv.indexOf('--report');
  const reportFile = reportIndex >= 0 ? argv[reportIndex + 1] : undefined;
  if (reportIndex >= 0 && !reportFile) {
    process.stderr.write('usage: node dist/scripts/audit-prod.js [--report <npm-audit.json>]\n');
    return EXIT.failed;
  }

  let exceptions: AuditException[];
  try {
    exceptions = parseExceptions(readFileSync(resolve(ROOT, EXCEPTIONS_FILE), 'utf8'));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }

  const outcome = reportFile ? parseAuditOutput(readFileSync(resolve(reportFile), 'utf8')) : await runNpmAudit();
  switch (outcome.kind) {
    case 'unreachable':
      process.stderr.write(
        `audit:prod: the npm advisory endpoint could not be reached (${outcome.reason}), so nothing was judged.\n` +
          'Run `npm run audit:prod` where registry.npmjs.org is reachable (a CI runner, a developer machine), or save\n' +
          '`npm audit --omit=dev --json > audit.json` there and run `node dist/scripts/audit-prod.js --report audit.json`.\n',
      );
      return EXIT.unreachable;
    case 'unrecognised':
      process.stderr.write(`audit:prod: ${outcome.reason}\n`);
      return EXIT.failed;
    case 'report':
      break;
  }

  const verdict = judge(outcome.advisories, exceptions, new Date());
  process.stdout.write(renderTable(verdict.judged));
  for (const exception of verdict.unusedExceptions) {
    process.stdout.write(
      `note: ${exception.id} (${exception.package}) in ${EXCEPTIONS_FILE} matches no advisory now\n`,
    );
  }
  const blocking = verdict.judged.filter(
    (entry) => entry.status === 'blocking' || entry.status === 'exception expired',
  );
  const audited = outcome.dependencies === null ? '' : ` in ${outcome.dependencies} production packages`;
  process.stdout.write(
    blocking.length === 0
      ? `audit:prod: no unexplained high or critical advisory${audited}.\n`
      : `audit:prod: ${blocking.length} high or critical advisory(ies)${audited} not explained in ${EXCEPTIONS_FILE}: ` +
          'upgrade the package, or add an entry with the reason and an expiry date.\n',
  );
  return verdict.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`audit:prod: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
