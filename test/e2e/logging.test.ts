import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { MATH_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/process-tools';

/** Secrets with a body that cannot occur by chance, so finding any part of them is a leak. */
const SERVICE_ROLE_KEY = 'sb_secret_CogoLogProbeServiceRoleKey4b1d7e0a9c3f5e2d8a6b';
const SERVICE_ROLE_KEY_BODY = 'CogoLogProbeServiceRoleKey';
/** No recognisable shape: only the agents' knowledge of their own secrets can mask it. */
const LLM_API_KEY = 'CogoLogProbeLlmApiKey-7c2e9a41f0b3d865';

interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly agent: string;
  readonly instance?: string;
  readonly msg: string;
  readonly context?: string;
  readonly trace_id?: string;
  readonly span_id?: string;
  readonly [field: string]: unknown;
}

interface AgentLine {
  readonly agent: AgentName;
  readonly text: string;
  readonly json?: LogLine;
}

interface RunBody {
  trace_id: string;
  state: { status: string; steps: { name: string; status: string; error: { code: string } | null }[] };
}

/**
 * An OpenAI-compatible endpoint that refuses every key and, like real providers do, quotes the key
 * it was given in its error: the most direct way for an API key to end up in a log.
 */
async function startRefusingLlm(): Promise<{ url: string; keysSeen: string[]; server: Server }> {
  const keysSeen: string[] = [];
  const server = createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    keysSeen.push(key);
    req.resume();
    res.statusCode = 401;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' } }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, keysSeen, server };
}

describe('agent logs', () => {
  let e2e: E2eStack;
  let http: ReturnType<typeof request>;
  let llm: Awaited<ReturnType<typeof startRefusingLlm>>;
  let databasePassword: string;
  let closed = false;

  beforeAll(async () => {
    llm = await startRefusingLlm();
    e2e = await startE2eStack({
      env: {
        SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'cogo-log-probe-model',
        LLM_API_KEY,
        LOG_LEVEL: 'debug',
      },
    });
    http = request(e2e.stack.apiUrl);
    databasePassword = decodeURIComponent(new URL(e2e.db.url).password);
  });

  afterAll(async () => {
    if (!closed) await e2e?.close();
    await new Promise((done) => llm?.server.close(done));
  });

  function agentLines(): AgentLine[] {
    return e2e.output.flatMap((entry) => {
      const separator = entry.indexOf(' | ');
      const source = entry.slice(0, separator);
      if (!(AGENT_NAMES as readonly string[]).includes(source)) return [];
      const text = entry.slice(separator + 3);
      let json: LogLine | undefined;
      try {
        json = JSON.parse(text) as LogLine;
      } catch {
        json = undefined;
      }
      return [{ agent: source as AgentName, text, json }];
    });
  }

  function linesOf(agent: AgentName, traceId: string): LogLine[] {
    return agentLines()
      .filter((line) => line.agent === agent && line.json?.trace_id === traceId)
      .map((line) => line.json!);
  }

  /** Lines arrive through pipes, a moment after the response. */
  function waitForLines(agent: AgentName, traceId: string, has: (lines: LogLine[]) => boolean): Promise<LogLine[]> {
    return waitFor(
      () => {
        const lines = linesOf(agent, traceId);
        return has(lines) ? lines : undefined;
      },
      `${agent} lines of trace ${traceId}`,
      10_000,
    );
  }

  it('marks the orchestrator lines of a plan request with its trace id', async () => {
    const response = await http
      .post('/api/orchestrator/plan')
      .send({ intent: 'generate a slugify helper' })
      .expect(200);
    const traceId = (response.body as { trace_id: string }).trace_id;
    expect(response.headers.traceparent).toContain(traceId);
    const lines = await waitForLines('orchestrator', traceId, (found) =>
      found.some((line) => line.context === 'HttpAccess'),
    );
    expect(lines.find((line) => line.context === 'HttpAccess')).toMatchObject({
      level: 'info',
      agent: 'orchestrator',
      method: 'POST',
      path: '/api/orchestrator/plan',
      status: 200,
      duration_ms: expect.any(Number) as unknown,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown,
    });
  });

  it("marks the workers' lines of a codeBuildTest run with the run's trace id", async () => {
    const response = await http.post('/api/pipeline/codeBuildTest').send({ spec: MATH_SPEC, wait: true }).expect(202);
    const body = response.body as RunBody;
    expect(body.state.status).toBe('succeeded');
    const codegen = await waitForLines('codegen-worker', body.trace_id, (found) =>
      found.some((line) => line.context === 'CodegenService'),
    );
    expect(codegen.find((line) => line.context === 'CodegenService')?.msg).toMatch(/template generator/);
    const buildTest = await waitForLines('build-test-worker', body.trace_id, (found) => found.length >= 2);
    expect(buildTest.every((line) => /^[0-9a-f]{16}$/.test(line.span_id ?? ''))).toBe(true);
    await waitForLines('orchestrator', body.trace_id, (found) =>
      found.some((line) => line.context === 'HttpAccess' && line.status === 202),
    );
  });

  it('logs a bad request as a warning with its trace id and status', async () => {
    const response = await http.post('/api/orchestrator/plan').send({ intent: 7 }).expect(400);
    const traceId = /^00-([0-9a-f]{32})-/.exec(String(response.headers.traceparent))![1];
    const [access] = await waitForLines('orchestrator', traceId, (found) => found.length > 0);
    expect(access).toMatchObject({ level: 'warn', context: 'HttpAccess', status: 400, path: '/api/orchestrator/plan' });
    expect(JSON.stringify(access)).not.toContain('intent');
  });

  it('logs a request that fails, when the LLM endpoint refuses the key and quotes it back', async () => {
    const response = await http
      .post('/api/pipeline/codeBuildTest')
      .set('authorization', `Bearer ${LLM_API_KEY}`)
      .send({ spec: MATH_SPEC, generator: 'llm', wait: true })
      .expect(202);
    const body = response.body as RunBody;
    expect(body.state.status).toBe('failed');
    expect(body.state.steps[0]).toMatchObject({ name: 'generate', status: 'failed' });
    // The key really was in play: the worker sent it to the endpoint, which sent it back.
    expect(llm.keysSeen).toContain(LLM_API_KEY);
    await waitForLines('orchestrator', body.trace_id, (found) => found.some((line) => line.context === 'HttpAccess'));
  });

  it('masks secrets that reach a log line: an access line whose path carries them', async () => {
    for (const secret of [SERVICE_ROLE_KEY, LLM_API_KEY, databasePassword]) {
      await http.get(`/api/orchestrator/state/${encodeURIComponent(secret)}?token=${encodeURIComponent(secret)}`);
    }
    const masked = await waitFor(() => {
      const paths = agentLines()
        .map((line) => line.json)
        .filter((line) => line?.context === 'HttpAccess' && String(line.path).startsWith('/api/orchestrator/state/'))
        .map((line) => String(line!.path));
      return paths.length === 3 ? paths : undefined;
    }, 'the access lines of the three requests');
    expect(masked).toEqual([
      '/api/orchestrator/state/sb_secret_***',
      '/api/orchestrator/state/***',
      '/api/orchestrator/state/***',
    ]);
  });

  it('writes every line of every agent, shutdown included, as one JSON object with the common fields', async () => {
    await e2e.close();
    closed = true;
    const lines = agentLines();
    expect(lines.filter((line) => !line.json).map((line) => `${line.agent} | ${line.text}`)).toEqual([]);
    expect(new Set(lines.map((line) => line.agent))).toEqual(new Set(AGENT_NAMES));
    for (const { agent, json } of lines) {
      expect({ agent, level: json!.level, time: json!.time, msg: typeof json!.msg }).toEqual({
        agent: json!.agent,
        level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/) as unknown,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
        msg: 'string',
      });
      expect(json!.instance).toMatch(new RegExp(`^${agent}:`));
    }
    // Lines outside any request or message carry no trace; Nest's own lines have their context.
    const boot = lines.filter((line) => line.json!.context === 'Bootstrap' && /ready on/.test(line.json!.msg));
    expect(boot).toHaveLength(AGENT_NAMES.length);
    expect(boot.every((line) => line.json!.trace_id === undefined)).toBe(true);
    expect(lines.some((line) => line.json!.context === 'InstanceLoader')).toBe(true);
  });

  it('never shows the service-role key, the LLM key or the database password, in any agent output', () => {
    expect(databasePassword.length).toBeGreaterThanOrEqual(8);
    const output = e2e.output.join('\n');
    for (const secret of [SERVICE_ROLE_KEY_BODY, LLM_API_KEY, databasePassword, encodeURIComponent(databasePassword)]) {
      const leaks = e2e.output.filter((line) => line.includes(secret));
      expect({ secret, leaks }).toEqual({ secret, leaks: [] });
    }
    expect(output).not.toContain(SERVICE_ROLE_KEY);
  });
});
