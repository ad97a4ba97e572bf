import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { MATH_SPEC, WRONG_EXAMPLE_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

interface StepBody {
  name: string;
  status: string;
  error: { code: string; message: string } | null;
  output: Record<string, unknown> | null;
}
interface RunBody {
  run_id: string;
  trace_id: string;
  status: string;
  links: Record<string, string>;
  state: { status: string; steps: StepBody[]; error: { code: string } | null };
}

describe('the developer API against real agent processes', () => {
  let e2e: E2eStack;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    e2e = await startE2eStack();
    http = request(e2e.stack.apiUrl);
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it('lists the workflow templates', async () => {
    const response = await http.get('/api/workflows/templates').expect(200);
    expect(
      (response.body as { templates: { name: string }[] }).templates.map((template) => template.name).sort(),
    ).toEqual(['codeBuildTest', 'indexing']);
  });

  it('plans an intent, records the decision with its rejected alternative, and returns the trace id', async () => {
    const response = await http
      .post('/api/orchestrator/plan')
      .send({ intent: 'generate a slugify helper and test it' })
      .expect(200);
    const body = response.body as {
      template: string;
      decision_id: string;
      trace_id: string;
      rejected: { template: string }[];
    };
    expect(body).toMatchObject({ template: 'codeBuildTest', rejected: [{ template: 'indexing' }] });
    expect(body.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.traceparent).toContain(body.trace_id);
    const { rows } = await e2e.db.pool.query<{ data: { decisionId: string; template: string } }>(
      "select data from bus_events where type = 'orchestrator.decision' and trace_id = $1",
      [body.trace_id],
    );
    expect(rows.map((row) => row.data)).toEqual([
      expect.objectContaining({ decisionId: body.decision_id, template: 'codeBuildTest' }),
    ]);
  });

  it('continues the caller trace given in traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await http
      .post('/api/orchestrator/plan')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send({ intent: 'index the repository' })
      .expect(200);
    expect((response.body as { trace_id: string }).trace_id).toBe(traceId);
  });

  it('answers bad input with 400 and the field errors', async () => {
    const response = await http.post('/api/orchestrator/plan').send({ intent: 7, template: 'everything' }).expect(400);
    expect((response.body as { message: string[] }).message).toEqual(
      expect.arrayContaining([
        'intent must be a string',
        expect.stringMatching(/^template must be one of the following values/) as unknown,
      ]),
    );
    const spec = await http
      .post('/api/pipeline/codeBuildTest')
      .send({ spec: { module: 'Bad', functions: [] } })
      .expect(400);
    expect(JSON.stringify(spec.body)).toMatch(/module must be lowercase/);
    await http.get('/api/orchestrator/state/not-a-uuid').expect(400);
  });

  it('answers an unknown run with 404', async () => {
    const response = await http.get('/api/orchestrator/state/00000000-0000-4000-8000-000000000000').expect(404);
    expect(response.body).toMatchObject({ error: { code: 'RUN_NOT_FOUND' } });
  });

  it('generates, compiles and tests a module, and serves the code, the compiler output and the test results', async () => {
    const response = await http.post('/api/pipeline/codeBuildTest').send({ spec: MATH_SPEC, wait: true }).expect(202);
    const body = response.body as RunBody;
    expect(body.state.status).toBe('succeeded');
    expect(body.state.steps.map((step) => [step.name, step.status])).toEqual([
      ['generate', 'succeeded'],
      ['compile', 'succeeded'],
      ['test', 'succeeded'],
    ]);
    const workspace = (body.state.steps[0].output as { workspace: string }).workspace;
    expect(workspace.startsWith(`${body.trace_id}/`)).toBe(true);
    const source = await http.get(`/artifacts/${workspace}/src/math.ts`).expect(200);
    expect(source.text).toContain('export function add');
    await http.get(`/artifacts/${workspace}/.logs/compile.log`).expect(200);
    const results = await http.get(`/artifacts/${workspace}/.logs/test.json`).expect(200);
    expect(JSON.parse(results.text)).toMatchObject({ ok: true, failed: 0 });
    // A path out of ARTIFACTS_BASE is refused, never served.
    await http.get('/artifacts/../package.json').expect(403);
  });

  it('fails the workflow with the reason when an example in the spec is wrong, without retrying', async () => {
    const response = await http
      .post('/api/pipeline/codeBuildTest')
      .send({ spec: WRONG_EXAMPLE_SPEC, wait: true })
      .expect(202);
    const body = response.body as RunBody;
    expect(body.state.status).toBe('failed');
    const test = body.state.steps.find((step) => step.name === 'test');
    expect(test).toMatchObject({ status: 'failed', error: { code: 'TESTS_FAILED' } });
    expect(test?.error?.message).toMatch(/1 of 1 test\(s\) failed/);
    const { rows } = await e2e.db.pool.query<{ attempts: number }>(
      "select attempts from agent_messages where trace_id = $1 and pattern = 'test.run' and kind = 'request'",
      [body.trace_id],
    );
    expect(rows).toEqual([{ attempts: 1 }]);
  });

  it('indexes a directory through the indexing workflow', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cogo-e2e-repo-'));
    try {
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'a.ts'), 'export function alpha(): number {\n  return 1;\n}\n');
      const response = await http
        .post('/api/pipeline/indexing')
        .send({ root, repository: 'e2e-repo', wait: true })
        .expect(202);
      const body = response.body as RunBody;
      expect(body.state.status).toBe('succeeded');
      const { rows } = await e2e.db.pool.query<{ name: string; line: number }>(
        "select name, line from code_symbols where repository = 'e2e-repo'",
      );
      expect(rows).toEqual([{ name: 'alpha', line: 1 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs one capability through the dispatcher', async () => {
    const response = await http
      .post('/api/pipeline/execute')
      .send({ capability: 'codegen.generate', input: { spec: MATH_SPEC } })
      .expect(200);
    expect(response.body).toMatchObject({ capability: 'codegen.generate', agent: 'codegen-worker', attempts: 1 });
  });

  it('reports the optional generators on /api/integration/status', async () => {
    const response = await http.get('/api/integration/status').expect(200);
    expect(response.body).toMatchObject({ cogo_worker: { enabled: false } });
  });
});
