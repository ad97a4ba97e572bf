/**
 * `npm run -s ci:gates:accept`: starts the embedded stack, runs the acceptance workload (at least
 * 200 dispatches and 20 workflows, with a few deliberate failures), judges every gate of
 * gates.config.json (or the file named by GATES_CONFIG), prints a table, writes
 * reports/gates.json and reports/gates.junit.xml, and exits non-zero on a breach or too few samples.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EVALUATION_SET_PATH,
  GATES_CONFIG_PATH,
  evaluateGates,
  evaluatePlanner,
  parseEvaluationSet,
  parseGatesConfig,
  renderJunitXml,
  renderTextTable,
  toJsonReport,
} from '@cogo/gates';
import { createPgPool } from '@cogo/store';
import { chooseTemplate } from '../apps/orchestrator/src/planning/intent-planner';
import { MATH_SPEC, WRONG_EXAMPLE_SPEC } from './support/example-specs';
import { decisionSamples, outcomeSamples } from '@cogo/telemetry';
import { LocalStack, ROOT } from './support/local-stack';
import { freePortBlock } from './support/smoke-harness';

const DISPATCHES = Number(process.env.GATES_DISPATCHES ?? 200);
const WORKFLOWS = Number(process.env.GATES_WORKFLOWS ?? 20);
const PLANS = 20;

function say(line: string): void {
  process.stdout.write(`[gates] ${line}\n`);
}

async function post(
  apiUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(300_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs `tasks` with at most `limit` at a time, printing progress every 10%. */
async function pooled(
  label: string,
  total: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < total) {
        const index = next++;
        await task(index);
        done += 1;
        if (done % Math.max(1, Math.floor(total / 10)) === 0 || done === total) say(`  ${label}: ${done}/${total}`);
      }
    }),
  );
}

/** A spec per index, so the workload is not one message repeated. */
function specFor(index: number): Record<string, unknown> {
  return {
    module: `calc-${index}`,
    functions: [
      {
        name: 'scale',
        params: [{ name: 'x', type: 'number' }],
        returns: 'number',
        expression: `x * ${index + 1}`,
        examples: [{ args: [2], expected: 2 * (index + 1) }],
      },
    ],
  };
}

/** A spec the template generator refuses (a deliberate failure): the expression reaches for `process`. */
const FORBIDDEN_SPEC = {
  module: 'forbidden',
  functions: [
    {
      name: 'leak',
      params: [],
      returns: 'string',
      expression: 'process.env.HOME',
      examples: [{ args: [], expected: '' }],
    },
  ],
};

async function runWorkload(apiUrl: string, repoRoot: string): Promise<{ deliberateFailures: number }> {
  let deliberateFailures = 0;

  say(`plan requests (${PLANS})…`);
  const intents = parseEvaluationSet(JSON.parse(readFileSync(resolve(ROOT, EVALUATION_SET_PATH), 'utf8'))).filter(
    (item) => item.kind === 'clear',
  );
  await pooled('plans', PLANS, 4, async (index) => {
    const answer = await post(apiUrl, '/api/orchestrator/plan', { intent: intents[index % intents.length].intent });
    if (answer.status !== 200) throw new Error(`plan answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  });

  say(`workflows (${WORKFLOWS}: codeBuildTest and indexing, one with a wrong example on purpose)…`);
  await pooled('workflows', WORKFLOWS, 3, async (index) => {
    const wrong = index === 6;
    const body =
      index % 4 === 3
        ? { path: '/api/pipeline/indexing', body: { root: repoRoot, repository: `accept-${index}`, wait: true } }
        : {
            path: '/api/pipeline/codeBuildTest',
            body: { spec: wrong ? WRONG_EXAMPLE_SPEC : index === 0 ? MATH_SPEC : specFor(index), wait: true },
          };
    const answer = await post(apiUrl, body.path, body.body);
    const status = (answer.body.state as { status?: string } | undefined)?.status;
    if (answer.status !== 202)
      throw new Error(`${body.path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    if (wrong) deliberateFailures += 1;
    if (status !== (wrong ? 'failed' : 'succeeded')) say(`  unexpected: workflow ${index} ended ${status}`);
  });

  say(`dispatches (${DISPATCHES}, a few refused on purpose)…`);
  await pooled('dispatches', DISPATCHES, 8, async (index) => {
    const refused = index % 50 === 49;
    const answer = await post(apiUrl, '/api/pipeline/execute', {
      capability: 'codegen.generate',
      input: { spec: refused ? FORBIDDEN_SPEC : specFor(index) },
    });
    if (refused) deliberateFailures += 1;
    if ((answer.status === 200) === refused) say(`  unexpected: dispatch ${index} answered ${answer.status}`);
  });
  return { deliberateFailures };
}

async function main(): Promise<number> {
  const configPath = resolve(process.env.GATES_CONFIG ?? join(ROOT, GATES_CONFIG_PATH));
  const config = parseGatesConfig(JSON.parse(readFileSync(configPath, 'utf8')), configPath);
  const stateDir = mkdtempSync(join(tmpdir(), 'cogo-gates-'));
  chmodSync(stateDir, 0o755);
  say(`thresholds from ${configPath}`);
  say('starting the embedded stack…');
  const stack = await LocalStack.start({
    stateDir,
    apiPort: await freePortBlock(15),
    onLog: (source, line, stream) => {
      if (stream === 'stderr' && source !== 'stack') process.stderr.write(`  ${source} | ${line}\n`);
    },
  });
  const pool = createPgPool({ connectionString: stack.databaseUrl, max: 2 });
  try {
    const from = new Date();
    const started = Date.now();
    const { deliberateFailures } = await runWorkload(stack.apiUrl, join(ROOT, 'libs', 'gates'));
    const to = new Date(Date.now() + 1);
    say(`workload done in ${((Date.now() - started) / 1000).toFixed(1)} s (${deliberateFailures} deliberate failures)`);

    const evaluationSet = parseEvaluationSet(JSON.parse(readFileSync(resolve(ROOT, EVALUATION_SET_PATH), 'utf8')));
    const report = evaluateGates(config, {
      outcomes: await outcomeSamples(pool, { from, to }),
      decisions: await decisionSamples(pool, { from, to }),
      plannerEvaluation: evaluatePlanner((intent) => chooseTemplate(intent), evaluationSet),
    });

    process.stdout.write(`\n${renderTextTable(report, { colour: process.stdout.isTTY })}\n\n`);
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    writeFileSync(join(ROOT, 'reports', 'gates.json'), `${JSON.stringify(toJsonReport(report), null, 2)}\n`);
    writeFileSync(join(ROOT, 'reports', 'gates.junit.xml'), renderJunitXml(report));
    say(`wrote reports/gates.json and reports/gates.junit.xml`);
    say(report.passed ? 'PASS: every gate holds' : 'FAIL: a gate is breached or has too few samples (see the table)');
    return report.passed ? 0 : 1;
  } finally {
    await pool.end();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[gates] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
