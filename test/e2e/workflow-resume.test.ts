import request from 'supertest';
import { MATH_SPEC } from '../../scripts/support/example-specs';
import { waitFor } from '../support/process-tools';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

describe('a workflow run whose orchestrator is killed', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack();
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it('finishes after the orchestrator starts again, without running a finished step twice', async () => {
    const http = request(e2e.stack.apiUrl);
    const started = await http.post('/api/pipeline/codeBuildTest').send({ spec: MATH_SPEC }).expect(202);
    const runId = (started.body as { run_id: string }).run_id;

    // Kill the orchestrator as soon as the generate step is done and the next one has begun.
    await waitFor(
      async () => {
        const { rows } = await e2e.db.pool.query<{ name: string; status: string }>(
          'select name, status from workflow_steps where run_id = $1 order by index',
          [runId],
        );
        return rows[0]?.status === 'succeeded' && rows[1]?.status === 'running' ? true : undefined;
      },
      'the compile step to start',
      60_000,
      20,
    );
    await e2e.stack.stopAgent('orchestrator', 'SIGKILL');
    const { rows: afterKill } = await e2e.db.pool.query<{ status: string }>(
      'select status from workflow_runs where id = $1',
      [runId],
    );
    expect(afterKill).toEqual([{ status: 'running' }]);

    e2e.stack.launch('orchestrator');
    expect(await e2e.stack.waitUntilLive(['orchestrator'], 30_000)).toEqual([]);
    const state = await waitFor(
      async () => {
        const response = await http.get(`/api/orchestrator/state/${runId}`);
        const body = response.body as { status: string; steps: { name: string; status: string; attempts: number }[] };
        return response.status === 200 && body.status !== 'running' ? body : undefined;
      },
      'the run to finish',
      90_000,
      250,
    );
    expect(state.status).toBe('succeeded');
    expect(state.steps.map((step) => [step.name, step.status])).toEqual([
      ['generate', 'succeeded'],
      ['compile', 'succeeded'],
      ['test', 'succeeded'],
    ]);
    // The generate step ran once; codegen.generate was requested once.
    expect(state.steps[0].attempts).toBe(1);
    const { rows } = await e2e.db.pool.query<{ pattern: string; count: string }>(
      `select m.pattern, count(*) from agent_messages m join workflow_runs r on r.trace_id = m.trace_id
       where r.id = $1 and m.kind = 'request' and m.pattern = 'codegen.generate' group by m.pattern`,
      [runId],
    );
    expect(rows).toEqual([{ pattern: 'codegen.generate', count: '1' }]);
  });
});
