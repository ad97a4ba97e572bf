import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { newTraceId } from '@cogo/tracing';
import { MATH_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

const run = promisify(execFile);
const TRACE_VIEW = resolve(__dirname, '..', '..', 'dist', 'scripts', 'trace-view.js');

interface MessageWire {
  record: 'message';
  id: string;
  kind: string;
  pattern: string;
  sender: string;
  recipient: string;
  status: string;
  attempts: number;
  created_at: string;
  parent_id: string | null;
  queue_wait_ms: number | null;
  handler_ms: number | null;
}
interface EventWire {
  record: 'event';
  id: string;
  type: string;
  created_at: string;
}
interface NodeWire {
  id: string;
  pattern: string;
  kind: string;
  children: NodeWire[];
}
interface TraceBody {
  trace_id: string;
  summary: {
    duration_ms: number;
    messages: number;
    events: number;
    failures: number;
    in_flight: number;
    agents: string[];
    patterns: string[];
  };
  timeline: (MessageWire | EventWire)[];
  tree: NodeWire[];
}

const groupOf = (name: string) => name.split(':')[0];

describe('the metrics API and the trace view against real agent processes', () => {
  let e2e: E2eStack;
  let http: ReturnType<typeof request>;
  let traceId: string;

  beforeAll(async () => {
    e2e = await startE2eStack();
    http = request(e2e.stack.apiUrl);
    const response = await http.post('/api/pipeline/codeBuildTest').send({ spec: MATH_SPEC, wait: true }).expect(202);
    const body = response.body as { trace_id: string; state: { status: string; error: unknown } };
    traceId = body.trace_id;
    expect(body.state).toMatchObject({ status: 'succeeded' });
  });

  afterAll(async () => {
    await e2e?.close();
  });

  /** The trace once the workflow's last events were delivered (they follow the run's final state). */
  async function settledTrace(): Promise<TraceBody> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const body = (await http.get(`/api/metrics/trace/${traceId}`).expect(200)).body as TraceBody;
      if (
        (body.summary.in_flight === 0 && body.summary.patterns.includes('orchestrator.decision.outcome')) ||
        Date.now() > deadline
      ) {
        return body;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  it('shows the whole chain orchestrator → executor-dispatcher → codegen-worker → build-test-worker with timings', async () => {
    const trace = await settledTrace();
    const messages = trace.timeline.filter((entry): entry is MessageWire => entry.record === 'message');
    const requests = (pattern: string) =>
      messages.filter((entry) => entry.kind === 'request' && entry.pattern === pattern);

    expect(trace.trace_id).toBe(traceId);
    expect(trace.summary.agents).toEqual(
      expect.arrayContaining(['orchestrator', 'executor-dispatcher', 'codegen-worker', 'build-test-worker']),
    );
    expect(trace.summary).toMatchObject({ failures: 0, in_flight: 0 });
    expect(trace.summary.duration_ms).toBeGreaterThan(0);
    expect(trace.summary.patterns).toEqual(
      expect.arrayContaining([
        'orchestrator.execute',
        'dispatcher.execute',
        'codegen.generate',
        'build.compile',
        'test.run',
      ]),
    );
    expect(
      requests('dispatcher.execute').map((entry) => [groupOf(entry.sender), entry.recipient, entry.status]),
    ).toEqual([
      ['orchestrator', 'executor-dispatcher', 'done'],
      ['orchestrator', 'executor-dispatcher', 'done'],
      ['orchestrator', 'executor-dispatcher', 'done'],
    ]);
    for (const [pattern, worker] of [
      ['codegen.generate', 'codegen-worker'],
      ['build.compile', 'build-test-worker'],
      ['test.run', 'build-test-worker'],
    ]) {
      const [step] = requests(pattern);
      expect(step).toMatchObject({ recipient: worker, status: 'done', attempts: 1 });
      expect(groupOf(step.sender)).toBe('executor-dispatcher');
      expect(step.queue_wait_ms).toBeGreaterThanOrEqual(0);
      expect(step.handler_ms).toBeGreaterThan(0);
      // Each step hangs under the dispatcher.execute request that forwarded it.
      const parent = messages.find((entry) => entry.id === step.parent_id);
      expect(parent).toMatchObject({ kind: 'request', pattern: 'dispatcher.execute' });
      const reply = messages.find((entry) => entry.kind === 'reply' && entry.parent_id === step.id);
      expect(reply).toMatchObject({ recipient: step.sender, status: 'done' });
    }
    const created = trace.timeline.map((entry) => Date.parse(entry.created_at));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const dispatchNodes = (nodes: NodeWire[]): NodeWire[] =>
      nodes.flatMap((node) => [
        ...(node.pattern === 'dispatcher.execute' && node.kind === 'request' ? [node] : []),
        ...dispatchNodes(node.children),
      ]);
    expect(
      dispatchNodes(trace.tree).map((node) =>
        node.children.filter((child) => child.kind === 'request').map((child) => child.pattern),
      ),
    ).toEqual([['codegen.generate'], ['build.compile'], ['test.run']]);
  });

  it('answers 400 for a malformed trace id and 404 for an unknown one', async () => {
    await http.get('/api/metrics/trace/not-a-trace-id').expect(400);
    const missing = await http.get(`/api/metrics/trace/${newTraceId()}`).expect(404);
    expect(missing.body).toMatchObject({ error: { code: 'TRACE_NOT_FOUND' } });
  });

  it('reports latency per pattern over a window', async () => {
    const response = await http.get('/api/metrics/latency?window=15m').expect(200);
    const body = response.body as { window: string; patterns: { pattern: string; count: number; p90_ms: number }[] };

    expect(body.window).toBe('15m');
    for (const pattern of ['dispatcher.execute', 'codegen.generate', 'build.compile', 'test.run']) {
      const figures = body.patterns.find((entry) => entry.pattern === pattern);
      expect(figures?.count).toBeGreaterThanOrEqual(1);
      expect(figures?.p90_ms).toBeGreaterThan(0);
    }
    await http.get('/api/metrics/latency?window=fortnight').expect(400);
  });

  it('counts and lists the events of the window', async () => {
    await settledTrace();
    const response = await http
      .get('/api/metrics/events?window=1h&type=workflow.step.completed&page=1&page_size=2')
      .expect(200);
    const body = response.body as {
      counts: { type: string; count: number }[];
      total: number;
      events: { type: string; trace_id: string }[];
      next_page: number | null;
    };

    expect(body.counts.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['orchestrator.decision', 'workflow.started', 'workflow.step.completed']),
    );
    expect(body.total).toBeGreaterThanOrEqual(3);
    expect(body.events).toHaveLength(2);
    expect(body.events.every((event) => event.type === 'workflow.step.completed')).toBe(true);
    expect(body.next_page).toBe(2);
  });

  it('reports decision quality online and on the labelled evaluation set', async () => {
    await settledTrace();
    const response = await http.get('/api/metrics/decision-quality?window=1h').expect(200);
    const body = response.body as {
      window: string;
      online: { decisions: number; decided: number; clean: number; score: number | null };
      offline: { cases: number; accuracy: number };
    };

    expect(body.window).toBe('1h');
    expect(body.online.decisions).toBeGreaterThanOrEqual(1);
    expect(body.online.clean).toBeGreaterThanOrEqual(1);
    expect(body.online.score).toBe(body.online.clean / body.online.decided);
    expect(body.offline.cases).toBeGreaterThanOrEqual(20);
    expect(body.offline.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  describe('npm run trace (dist/scripts/trace-view.js)', () => {
    const env = (extra: Record<string, string>) => {
      const { API_URL: _api, DATABASE_URL: _db, ...rest } = process.env;
      return { ...rest, COGO_STATE_DIR: resolve(e2e.artifactsBase, '..', 'no-local-stack'), ...extra };
    };

    it('prints the waterfall of the trace read from DATABASE_URL', async () => {
      await settledTrace();
      const { stdout } = await run(process.execPath, [TRACE_VIEW, traceId], {
        env: env({ DATABASE_URL: e2e.db.url }),
        timeout: 30_000,
      });
      const lines = stdout.split('\n');

      expect(lines[0]).toBe(`trace ${traceId}`);
      for (const pattern of [
        'orchestrator.execute',
        'dispatcher.execute',
        'codegen.generate',
        'build.compile',
        'test.run',
      ]) {
        expect(stdout).toContain(pattern);
      }
      expect(lines.some((line) => /▸ test\.run/.test(line) && /[█▏]/.test(line))).toBe(true);
      expect(stdout).toMatch(/from first message to last completion/);
      expect(stdout).toMatch(/ · 0 failure\(s\) ·/);
      expect(stdout).toMatch(/\b0 in flight\n/);
      expect(stdout).not.toContain('\x1b[');
      expect(lines.every((line) => [...line].length <= 100)).toBe(true);
    });

    it('fits the waterfall to COLUMNS, showing every route in full when there is room', async () => {
      const { stdout } = await run(process.execPath, [TRACE_VIEW, traceId], {
        env: env({ DATABASE_URL: e2e.db.url, COLUMNS: '220' }),
      });
      const lines = stdout.split('\n');

      for (const route of [
        /▸ codegen\.generate +executor-dispatcher → codegen-worker/,
        /▸ build\.compile +executor-dispatcher → build-test-worker/,
        /▸ test\.run +executor-dispatcher → build-test-worker/,
      ]) {
        expect(lines.filter((line) => route.test(line))).toHaveLength(1);
      }
      // One dispatcher.execute per step of the workflow.
      expect(
        lines.filter((line) => /▸ dispatcher\.execute +orchestrator → executor-dispatcher/.test(line)),
      ).toHaveLength(3);
      expect(lines.some((line) => [...line].length > 100)).toBe(true);
      expect(lines.every((line) => [...line].length <= 220)).toBe(true);
    });

    it('prints the same waterfall through API_URL', async () => {
      const fromDatabase = await run(process.execPath, [TRACE_VIEW, traceId], {
        env: env({ DATABASE_URL: e2e.db.url }),
      });
      const fromApi = await run(process.execPath, [TRACE_VIEW, traceId], { env: env({ API_URL: e2e.stack.apiUrl }) });

      expect(fromApi.stdout).toBe(fromDatabase.stdout);
    });

    it('says clearly when the trace is unknown, the id malformed, or no database is configured', async () => {
      const unknown = newTraceId();
      await expect(
        run(process.execPath, [TRACE_VIEW, unknown], { env: env({ DATABASE_URL: e2e.db.url }) }),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`No message or event carries trace ${unknown}`) as unknown,
      });
      await expect(run(process.execPath, [TRACE_VIEW, 'nope'], { env: env({}) })).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('"nope" is not a trace id') as unknown,
      });
      await expect(run(process.execPath, [TRACE_VIEW, traceId], { env: env({}) })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/API_URL=http:\/\/localhost:3000.*DATABASE_URL=postgres:\/\//s) as unknown,
      });
    });
  });
});
