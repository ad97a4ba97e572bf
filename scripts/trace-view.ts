/**
 * `npm run -s trace -- <traceId>`: one trace as a waterfall in the terminal — every message and
 * event in time order, indented by the parent/child tree, with queue wait and handler time drawn
 * on a shared time axis, failures marked, and the summary at the end.
 *
 * Where it reads the trace, first match wins:
 *   API_URL       the developer API of a running orchestrator (GET /api/metrics/trace/<id>)
 *   DATABASE_URL  the database directly
 *   otherwise     the database of `npm start` (.cogo/pg.credentials.json, port 54329 unless it moved)
 * The waterfall fills the terminal's width (COLUMNS when not a terminal, else 100 columns); it is
 * coloured only on a terminal, and never with NO_COLOR set.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPgPool, redactConnectionString } from '@cogo/store';
import { type TraceView, TraceQueryRepository, assembleTrace, fromTraceWire, renderWaterfall } from '@cogo/telemetry';
import { isTraceId } from '@cogo/tracing';

/** dist/scripts/trace-view.js -> the project root, where `npm start` keeps .cogo. */
const ROOT = resolve(__dirname, '..', '..');
const DEV_STACK_PORT = 54329;
const HTTP_TIMEOUT_MS = 10_000;

const USAGE = `usage: npm run -s trace -- <traceId>

  <traceId>     32 hex digits, e.g. the trace_id of POST /api/pipeline/codeBuildTest

Reads API_URL (a running dev API) if set, else DATABASE_URL, else the database of \`npm start\`.
`;

/** A failure with a message for the user and an exit code. */
class TraceViewError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const [given, ...extra] = argv;
  if (!given || extra.length > 0) throw new TraceViewError(USAGE.trimEnd(), 2);
  const traceId = given.trim().toLowerCase();
  if (!isTraceId(traceId)) {
    throw new TraceViewError(`"${given}" is not a trace id: it must be 32 hex digits, not all zeros.`, 2);
  }
  const view = process.env.API_URL?.trim()
    ? await fromApi(process.env.API_URL.trim(), traceId)
    : await fromDatabase(traceId);
  process.stdout.write(
    renderWaterfall(view, {
      width: process.stdout.columns || Number(process.env.COLUMNS) || 100,
      color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    }),
  );
}

async function fromApi(apiUrl: string, traceId: string): Promise<TraceView> {
  const url = `${apiUrl.replace(/\/+$/, '')}/api/metrics/trace/${traceId}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (error) {
    throw new TraceViewError(
      `Could not reach ${url} (${describe(error)}). Is the stack running (npm start)? Unset API_URL to read the database instead.`,
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 404) throw new TraceViewError(`No message or event carries trace ${traceId} (${url}).`);
  if (!response.ok) {
    throw new TraceViewError(`${url} answered ${response.status}: ${JSON.stringify(body) ?? 'no JSON body'}`);
  }
  return fromTraceWire(body);
}

async function fromDatabase(traceId: string): Promise<TraceView> {
  const target = databaseTarget();
  const pool = createPgPool({
    connectionString: target.url,
    max: 1,
    applicationName: 'cogo-trace-view',
    connectTimeoutMs: 3_000,
    statementTimeoutMs: 15_000,
  });
  try {
    const records = await new TraceQueryRepository(pool).rowsOfTrace(traceId).catch((error: unknown) => {
      throw new TraceViewError(
        `Could not read the trace from ${target.description} (${describe(error)}).\n${target.hint}`,
      );
    });
    if (records.messages.length === 0 && records.events.length === 0) {
      throw new TraceViewError(`No message or event carries trace ${traceId} in ${target.description}.`);
    }
    return assembleTrace(traceId, records);
  } finally {
    await pool.end();
  }
}

/** The database to read: DATABASE_URL, or the one `npm start` keeps in .cogo. */
function databaseTarget(): { url: string; description: string; hint: string } {
  const hint =
    'Point the script at the trace: API_URL=http://localhost:3000 (a running dev API), or ' +
    'DATABASE_URL=postgres://user:password@host:port/database, or start the local stack with `npm start`.';
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (databaseUrl) return { url: databaseUrl, description: redactConnectionString(databaseUrl), hint };
  const stateDir = resolve(process.env.COGO_STATE_DIR ?? join(ROOT, '.cogo'));
  const credentialsFile = join(stateDir, 'pg.credentials.json');
  if (!existsSync(credentialsFile)) {
    throw new TraceViewError(
      `Neither API_URL nor DATABASE_URL is set, and there is no local stack (${credentialsFile} is missing).\n${hint}`,
    );
  }
  let credentials: { user: string; password: string };
  try {
    credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { user: string; password: string };
  } catch (error) {
    throw new TraceViewError(`Cannot read ${credentialsFile} (${describe(error)}).\n${hint}`);
  }
  const port = runningPort(join(stateDir, 'pg')) ?? DEV_STACK_PORT;
  const url = `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
  return {
    url,
    description: `the local stack's database on port ${port}`,
    hint: `Is \`npm start\` running? ${hint}`,
  };
}

/** The port of a running embedded Postgres: line 4 of postmaster.pid (it moves when 54329 was taken). */
function runningPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof TraceViewError ? error.message : `trace: ${describe(error)}`}\n`);
  process.exitCode = error instanceof TraceViewError ? error.exitCode : 1;
});
