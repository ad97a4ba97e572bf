/**
 * `npm run -s smoke:gate:trace [traceId]`: judges one trace against the failure-rate and latency
 * gates. With a trace id it reads that trace (DATABASE_URL, or the local `npm start` database);
 * without one it runs a fresh codeBuildTest flow (on the stack at API_URL, or an embedded one it
 * starts) and judges that. Prints the table and exits non-zero on a breach.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GATES_CONFIG_PATH, evaluateTraceGates, parseGatesConfig, renderTextTable } from '@cogo/gates';
import { createPgPool } from '@cogo/store';
import { isTraceId } from '@cogo/tracing';
import { MATH_SPEC } from './support/example-specs';
import { outcomeSamples } from '@cogo/telemetry';
import { ROOT } from './support/local-stack';
import { api, smokeTarget } from './support/smoke-harness';

/** DATABASE_URL, else the database of a local `npm start` (its credentials file in .cogo). */
function localDatabaseUrl(): string | undefined {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const stateDir = resolve(process.env.COGO_STATE_DIR ?? join(ROOT, '.cogo'));
  const credentials = join(stateDir, 'pg.credentials.json');
  if (!existsSync(credentials)) return undefined;
  const { user, password } = JSON.parse(readFileSync(credentials, 'utf8')) as { user: string; password: string };
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${process.env.PGPORT ?? 54329}/postgres`;
}

async function judge(databaseUrl: string, traceId: string): Promise<boolean> {
  const config = parseGatesConfig(JSON.parse(readFileSync(join(ROOT, GATES_CONFIG_PATH), 'utf8')), GATES_CONFIG_PATH);
  const pool = createPgPool({ connectionString: databaseUrl, max: 1 });
  try {
    const outcomes = await outcomeSamples(pool, { traceId });
    if (outcomes.length === 0) {
      process.stdout.write(`FAIL smoke:gate:trace: trace ${traceId} has no finished deliveries in this database\n`);
      return false;
    }
    const report = evaluateTraceGates(config, outcomes);
    const table = renderTextTable(report, { colour: process.stdout.isTTY });
    const passed = report.passed;
    process.stdout.write(
      `${table}\n${passed ? 'PASS' : 'FAIL'} smoke:gate:trace ${traceId} (${outcomes.length} deliveries)\n`,
    );
    return passed;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  const given = process.argv[2];
  if (given) {
    if (!isTraceId(given)) {
      process.stdout.write(`FAIL smoke:gate:trace: "${process.argv[2]}" is not a trace id (32 lowercase hex digits)\n`);
      return 2;
    }
    const databaseUrl = localDatabaseUrl();
    if (!databaseUrl) {
      process.stdout.write('FAIL smoke:gate:trace: set DATABASE_URL, or run it next to a running `npm start`\n');
      return 2;
    }
    return (await judge(databaseUrl, given)) ? 0 : 1;
  }
  const target = await smokeTarget('smoke:gate:trace');
  try {
    const answer = await api<{ trace_id: string; state: { status: string } }>(
      target,
      'POST',
      '/api/pipeline/codeBuildTest',
      {
        spec: MATH_SPEC,
        wait: true,
      },
    );
    if (answer.status !== 202) {
      process.stdout.write(
        `FAIL smoke:gate:trace: the flow did not start (${answer.status}: ${JSON.stringify(answer.body)})\n`,
      );
      return 1;
    }
    process.stdout.write(`ran codeBuildTest: ${answer.body.state.status}, trace ${answer.body.trace_id}\n`);
    const databaseUrl = target.databaseUrl ?? localDatabaseUrl();
    if (!databaseUrl) {
      process.stdout.write('FAIL smoke:gate:trace: set DATABASE_URL next to API_URL to read the trace\n');
      return 2;
    }
    return (await judge(databaseUrl, answer.body.trace_id)) ? 0 : 1;
  } finally {
    await target.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`FAIL smoke:gate:trace: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
