import { HttpRepository } from '../../../apps/codegen-worker/src/repositories/http.repository';
import { runWithTrace } from '@cogo/tracing';
import { type FakeHttpServer, closedPortUrl, later, sendJson, startFakeHttpServer } from './support/fake-http-server';

describe('HttpRepository against a real server', () => {
  let server: FakeHttpServer;
  const http = new HttpRepository();

  beforeAll(async () => {
    server = await startFakeHttpServer((_request, response) => sendJson(response, 200, { ok: true }));
  });

  beforeEach(() => {
    server.requests.length = 0;
    server.answer((_request, response) => sendJson(response, 200, { ok: true }));
  });

  afterAll(() => server?.close());

  it('sends JSON, returns the status and body of any answer, and measures the call', async () => {
    server.answer((request, response) => sendJson(response, 418, { echoed: JSON.parse(request.body) as unknown }));
    const response = await http.request({ method: 'POST', url: `${server.url}/x`, json: { a: 1 }, timeoutMs: 10_000 });
    expect(response.status).toBe(418);
    expect(JSON.parse(response.body)).toEqual({ echoed: { a: 1 } });
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0].headers['content-type']).toBe('application/json');
  });

  it('propagates the current trace as a W3C traceparent', async () => {
    const trace = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), flags: '01' };
    await runWithTrace(trace, () => http.request({ method: 'GET', url: server.url, timeoutMs: 10_000 }));
    expect(server.requests[0].headers.traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('times out a server that never answers, and names the URL without credentials', async () => {
    server.answer(() => undefined);
    const url = new URL(server.url);
    url.username = 'user';
    url.password = 'pa55word';
    url.pathname = '/slow';
    url.search = '?key=querysecret';
    const started = Date.now();
    const error = (await http
      .request({ method: 'GET', url: url.toString(), timeoutMs: 200 })
      .catch((caught: unknown) => caught)) as Error;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.name).toBe('HttpTimeoutError');
    expect(error.message).toBe(`No answer from ${server.url}/slow within 200 ms`);
  });

  it('stops reading an answer larger than the limit', async () => {
    server.answer((_request, response) => {
      response.writeHead(200);
      response.end('x'.repeat(10_000));
    });
    await expect(
      http.request({ method: 'GET', url: server.url, timeoutMs: 10_000, maxResponseBytes: 1_000 }),
    ).rejects.toMatchObject({
      name: 'HttpResponseTooLargeError',
    });
  });

  it('reports a refused connection by its system code', async () => {
    const url = await closedPortUrl();
    await expect(http.request({ method: 'GET', url, timeoutMs: 10_000 })).rejects.toMatchObject({
      name: 'HttpConnectionError',
      message: `Cannot reach ${url}: ECONNREFUSED`,
    });
  });

  it('abandons the call when the caller aborts', async () => {
    server.answer((_request, response) => later(5_000, () => response.end()));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50).unref();
    await expect(
      http.request({ method: 'GET', url: server.url, timeoutMs: 10_000, signal: abort.signal }),
    ).rejects.toMatchObject({ name: 'HttpAbortedError' });
  });

  it('does not follow redirects, which could carry credentials elsewhere', async () => {
    server.answer((_request, response) => {
      response.writeHead(302, { location: 'http://example.invalid/' });
      response.end();
    });
    await expect(http.request({ method: 'GET', url: server.url, timeoutMs: 10_000 })).rejects.toMatchObject({
      name: 'HttpConnectionError',
    });
  });
});
