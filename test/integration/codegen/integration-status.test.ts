import { loadConfig } from '@cogo/config';
import { HttpRepository } from '../../../apps/codegen-worker/src/repositories/http.repository';
import { IntegrationStatusService } from '../../../apps/codegen-worker/src/services/integration-status.service';
import { type FakeHttpServer, closedPortUrl, later, sendJson, startFakeHttpServer } from './support/fake-http-server';

const API_KEY = 'sk-status-integration-1a2b3c';

describe('integration status against real endpoints', () => {
  let cogoWorker: FakeHttpServer;
  let llm: FakeHttpServer;

  beforeAll(async () => {
    cogoWorker = await startFakeHttpServer((request, response) =>
      request.path === '/health' ? sendJson(response, 200, { status: 'ok' }) : sendJson(response, 404, {}),
    );
    llm = await startFakeHttpServer((request, response) =>
      request.path === '/v1/models' && request.headers.authorization === `Bearer ${API_KEY}`
        ? sendJson(response, 200, { object: 'list', data: [{ id: 'fake-coder' }] })
        : sendJson(response, 401, {
            error: { message: `Incorrect API key provided: ${request.headers.authorization ?? ''}` },
          }),
    );
  });

  afterAll(async () => {
    await cogoWorker?.close();
    await llm?.close();
  });

  const serviceFor = (env: Record<string, string>) =>
    new IntegrationStatusService(
      loadConfig('codegen-worker', { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', ...env }),
      new HttpRepository(),
    );

  it('reports reachable endpoints with their latency, URLs without credentials, and checks without spending tokens', async () => {
    const withCredentials = new URL(cogoWorker.url);
    withCredentials.username = 'ops';
    withCredentials.password = 'hunter2';
    const status = await serviceFor({
      ENABLE_COGO_WORKER: 'true',
      COGO_WORKER_URL: withCredentials.toString(),
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: 'fake-coder',
      LLM_API_KEY: API_KEY,
    }).status();

    expect(status).toEqual({
      cogoWorker: { enabled: true, url: cogoWorker.url, reachable: true, latencyMs: expect.any(Number) as number },
      llm: {
        configured: true,
        baseUrl: `${llm.url}/v1`,
        model: 'fake-coder',
        reachable: true,
        latencyMs: expect.any(Number) as number,
      },
    });
    expect(cogoWorker.requests.at(-1)).toMatchObject({ method: 'GET', path: '/health' });
    expect(llm.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(llm.requests.some((request) => request.path.includes('chat/completions'))).toBe(false);
    expect(JSON.stringify(status)).not.toMatch(/hunter2|sk-status/);
  });

  it('reports unreachable endpoints with the reason, and no key', async () => {
    const status = await serviceFor({
      ENABLE_COGO_WORKER: 'true',
      COGO_WORKER_URL: await closedPortUrl(),
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: 'fake-coder',
      LLM_API_KEY: `${API_KEY}-wrong`,
    }).status();

    expect(status.cogoWorker).toMatchObject({ enabled: true, reachable: false, latencyMs: null });
    expect(status.cogoWorker.error).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+\/health: ECONNREFUSED$/);
    expect(status.llm).toMatchObject({ configured: true, reachable: false });
    expect(status.llm.error).toMatch(/\/v1\/models answered HTTP 401: Incorrect API key provided: Bearer \[redacted\]/);
    expect(JSON.stringify(status)).not.toContain(API_KEY);
  });

  it('reports a hanging endpoint as unreachable within the probe timeout', async () => {
    const hanging = await startFakeHttpServer((_request, response) => later(8_000, () => sendJson(response, 200, {})));
    try {
      const started = Date.now();
      const status = await serviceFor({
        ENABLE_COGO_WORKER: 'true',
        COGO_WORKER_URL: hanging.url,
        COGO_WORKER_TIMEOUT_MS: '300',
      }).status();
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(status.cogoWorker).toEqual({
        enabled: true,
        url: hanging.url,
        reachable: false,
        latencyMs: null,
        error: `No answer from ${hanging.url}/health within 300 ms`,
      });
    } finally {
      await hanging.close();
    }
  });

  it('checks a configured but disabled cogo-worker too, and leaves an unconfigured LLM alone', async () => {
    const status = await serviceFor({ COGO_WORKER_URL: cogoWorker.url }).status();
    expect(status.cogoWorker).toMatchObject({ enabled: false, reachable: true });
    expect(status.llm).toEqual({ configured: false, baseUrl: null, model: null, reachable: null, latencyMs: null });
  });
});
