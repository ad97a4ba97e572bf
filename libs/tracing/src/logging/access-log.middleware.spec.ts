import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceMiddleware } from '../http/trace.middleware';
import { parseTraceparent } from '../trace-context';
import { accessLog } from './access-log.middleware';
import { type AgentLoggerOptions, createAgentLogger } from './agent-logger.factory';

type Line = Record<string, unknown>;
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A real HTTP server with the middleware order of an agent: the access log first (app.use), the
 * trace middleware on /api/* (as DevModule mounts it), then the route.
 */
async function serve(handler: Handler, level: AgentLoggerOptions['level'] = 'info') {
  const raw: string[] = [];
  const logger = createAgentLogger({
    agent: 'orchestrator',
    instanceId: 'orchestrator:01',
    level,
    destination: { write: (line: string) => void raw.push(line) },
  });
  const logRequest = accessLog(logger);
  const trace = new TraceMiddleware();
  const server: Server = createServer((request, response) => {
    logRequest(request, response, () => {
      if (request.url?.startsWith('/api/')) trace.use(request, response, () => handler(request, response));
      else handler(request, response);
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    lines: () => raw.map((line) => JSON.parse(line) as Line),
    /** The access line of the one request made, once its response is done. */
    async accessLine(): Promise<Line> {
      for (let tries = 0; tries < 100; tries += 1) {
        const line = raw.map((entry) => JSON.parse(entry) as Line).find((entry) => entry.context === 'HttpAccess');
        if (line) return line;
        await new Promise((done) => setTimeout(done, 10));
      }
      throw new Error('no access log line was written');
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

function answer(status: number, body = '{}'): Handler {
  return (_request, response) => {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json');
    response.end(body);
  };
}

describe(accessLog.name, () => {
  let server: Awaited<ReturnType<typeof serve>> | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('writes method, path, status, duration and the trace the response answered with', async () => {
    server = await serve(answer(200));
    const response = await fetch(`${server.base}/api/orchestrator/plan`, { method: 'POST', body: '{}' });
    const sent = parseTraceparent(response.headers.get('traceparent'))!;
    const line = await server.accessLine();
    expect(line).toEqual(
      expect.objectContaining({
        level: 'info',
        context: 'HttpAccess',
        method: 'POST',
        path: '/api/orchestrator/plan',
        status: 200,
        duration_ms: expect.any(Number) as unknown,
        trace_id: sent.traceId,
        span_id: sent.spanId,
        msg: expect.stringMatching(/^POST \/api\/orchestrator\/plan 200 in [\d.]+ ms$/) as unknown,
      }),
    );
    expect(line.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('continues the caller trace like the handler does', async () => {
    server = await serve(answer(200));
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${server.base}/api/x`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(await server.accessLine()).toMatchObject({ trace_id: traceId });
  });

  it('never writes headers, bodies or the query string', async () => {
    server = await serve(answer(401, '{"error":"token sk-reply-body-secret-0000000000 refused"}'));
    await fetch(`${server.base}/api/login?access_token=query-secret-value&x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer header-secret-value', cookie: 'sid=cookie-secret-value' },
      body: JSON.stringify({ password: 'body-secret-value' }),
    });
    const line = await server.accessLine();
    expect(line).toMatchObject({ path: '/api/login', status: 401, level: 'warn' });
    expect(JSON.stringify(server.lines())).not.toMatch(/secret-value|sk-reply|access_token/);
  });

  it('logs server errors as errors, and requests outside /api without trace ids', async () => {
    server = await serve(answer(503));
    await fetch(`${server.base}/health/ready`);
    const line = await server.accessLine();
    expect(line).toMatchObject({ level: 'error', path: '/health/ready', status: 503 });
    expect(line).not.toHaveProperty('trace_id');
  });

  it('keeps successful probes and scrapes at debug level', async () => {
    server = await serve(answer(200), 'info');
    await fetch(`${server.base}/health/live`);
    await fetch(`${server.base}/metrics`);
    await fetch(`${server.base}/artifacts/x`);
    const line = await server.accessLine();
    expect(line).toMatchObject({ path: '/artifacts/x' });
    expect(server.lines().filter((entry) => entry.context === 'HttpAccess')).toHaveLength(1);
  });

  it('logs a request the client abandoned', async () => {
    server = await serve(() => undefined);
    const controller = new AbortController();
    const pending = fetch(`${server.base}/api/slow`, { signal: controller.signal }).catch(() => undefined);
    await new Promise((done) => setTimeout(done, 50));
    controller.abort();
    await pending;
    expect(await server.accessLine()).toMatchObject({ level: 'warn', path: '/api/slow', aborted: true });
  });
});
