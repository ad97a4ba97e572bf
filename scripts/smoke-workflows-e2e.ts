/**
 * `npm run -s smoke:workflows:e2e`: the indexing and codeBuildTest workflows end to end, including
 * a spec whose example is wrong (a failed test result and a failed step, not a crash or a retry
 * storm). Starts the embedded stack unless API_URL points at a running one.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MATH_SPEC, WRONG_EXAMPLE_SPEC } from './support/example-specs';
import { type SmokeTarget, api, check, query, runSmoke } from './support/smoke-harness';

interface Step {
  name: string;
  status: string;
  error: { code: string; message: string } | null;
  output: Record<string, unknown> | null;
}
interface RunAnswer {
  run_id: string;
  trace_id: string;
  status: string;
  state: { status: string; steps: Step[]; error: { code: string; message: string } | null };
}

async function run(target: SmokeTarget, path: string, body: Record<string, unknown>): Promise<RunAnswer> {
  const answer = await api<RunAnswer>(target, 'POST', path, { ...body, wait: true });
  check(answer.status === 202, `POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

void runSmoke('smoke:workflows:e2e', async (target) => {
  const traces: string[] = [];

  // indexing: a small tree with a .gitignore
  const root = mkdtempSync(join(tmpdir(), 'cogo-smoke-repo-'));
  try {
    mkdirSync(join(root, 'src'));
    writeFileSync(
      join(root, 'src', 'greet.ts'),
      'export function greet(name: string): string {\n  return `hi ${name}`;\n}\n',
    );
    writeFileSync(
      join(root, 'src', 'shape.ts'),
      'export interface Shape {\n  area(): number;\n}\nexport class Square {}\n',
    );
    writeFileSync(join(root, '.gitignore'), 'ignored/\n');
    mkdirSync(join(root, 'ignored'));
    writeFileSync(join(root, 'ignored', 'secret.ts'), 'export const hidden = 1;\n');
    const indexing = await run(target, '/api/pipeline/indexing', { root, repository: `smoke-${Date.now()}` });
    traces.push(indexing.trace_id);
    check(
      indexing.state.status === 'succeeded',
      `indexing ended ${indexing.state.status}: ${JSON.stringify(indexing.state.error)}`,
    );
    const output = indexing.state.steps[0].output as { files_indexed: number; symbols: number } | null;
    check((output?.symbols ?? 0) >= 3, `indexing found ${output?.symbols} symbols, expected at least 3`);
    if (target.databaseUrl) {
      const hidden = await query<{ count: string }>(
        target,
        "select count(*) from code_files where path like 'ignored/%'",
      );
      check(hidden[0].count === '0', 'a .gitignored file was indexed');
    }
    process.stdout.write(
      `  indexing: ${output?.files_indexed} files, ${output?.symbols} symbols (trace ${indexing.trace_id})\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  // codeBuildTest: a correct spec
  const good = await run(target, '/api/pipeline/codeBuildTest', { spec: MATH_SPEC });
  traces.push(good.trace_id);
  check(
    good.state.status === 'succeeded',
    `codeBuildTest ended ${good.state.status}: ${JSON.stringify(good.state.error)}`,
  );
  const tests = good.state.steps.find((step) => step.name === 'test')?.output as
    { passed: number; failed: number } | undefined;
  check((tests?.passed ?? 0) >= 3 && tests?.failed === 0, `the generated tests: ${JSON.stringify(tests)}`);
  const workspace = (good.state.steps[0].output as { workspace: string }).workspace;
  const log = await fetch(`${target.apiUrl}/artifacts/${workspace}/.logs/test.log`, {
    signal: AbortSignal.timeout(10_000),
  });
  check(log.ok, `the test log artifact is not served (${log.status})`);
  process.stdout.write(`  codeBuildTest: ${tests?.passed} tests passed (trace ${good.trace_id})\n`);

  // codeBuildTest: an example that is wrong -> failed test result, failed step, no retry storm
  const wrong = await run(target, '/api/pipeline/codeBuildTest', { spec: WRONG_EXAMPLE_SPEC });
  traces.push(wrong.trace_id);
  check(wrong.state.status === 'failed', `the wrong spec's run ended ${wrong.state.status}, not failed`);
  const testStep = wrong.state.steps.find((step) => step.name === 'test');
  check(
    testStep?.status === 'failed' && testStep.error?.code === 'TESTS_FAILED',
    `the test step: ${JSON.stringify(testStep)}`,
  );
  if (target.databaseUrl) {
    const attempts = await query<{ pattern: string; requests: string; max_attempts: number }>(
      target,
      "select pattern, count(*) as requests, max(attempts) as max_attempts from agent_messages where trace_id = $1 and kind = 'request' group by pattern",
      [wrong.trace_id],
    );
    const testRuns = attempts.find((row) => row.pattern === 'test.run');
    check(
      testRuns?.requests === '1' && testRuns.max_attempts === 1,
      `test.run ran ${JSON.stringify(testRuns)}: a retry storm`,
    );
  }
  process.stdout.write(`  failing spec: ${testStep.error.message} (trace ${wrong.trace_id})\n`);
  return traces;
});
