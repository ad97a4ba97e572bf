import { HttpConnectionError } from '../errors/http-connection.error';
import { HttpTimeoutError } from '../errors/http-timeout.error';
import { appConfig } from '../../test/app-config.builder';
import { answer, mockHttpRepository } from '../../test/http-repository.mock';
import { IntegrationStatusService, PROBE_TIMEOUT_MS } from './integration-status.service';

const API_KEY = 'sk-status-secret-987654';

describe(IntegrationStatusService.name, () => {
  it('reports both generators as not set up, without calling anything', async () => {
    const http = mockHttpRepository();
    const service = new IntegrationStatusService(appConfig(), http.repository);
    await expect(service.status()).resolves.toEqual({
      cogoWorker: { enabled: false, url: null, reachable: null, latencyMs: null },
      llm: { configured: false, baseUrl: null, model: null, reachable: null, latencyMs: null },
    });
    expect(http.request).not.toHaveBeenCalled();
  });

  it('probes GET /health and GET /models with a short timeout, and reports URLs without credentials', async () => {
    const http = mockHttpRepository();
    http.request.mockResolvedValue(answer(200, { status: 'ok' }));
    const service = new IntegrationStatusService(
      appConfig({
        cogoWorker: { enabled: true, url: 'http://user:pw@cogo.test:8000', timeoutMs: 30_000 },
        llm: { baseUrl: 'https://llm.test/v1', apiKey: API_KEY, model: 'coder-1', timeoutMs: 500 },
      }),
      http.repository,
    );
    await expect(service.status()).resolves.toEqual({
      cogoWorker: { enabled: true, url: 'http://cogo.test:8000', reachable: true, latencyMs: 12 },
      llm: { configured: true, baseUrl: 'https://llm.test/v1', model: 'coder-1', reachable: true, latencyMs: 12 },
    });
    const requests = http.request.mock.calls.map(([request]) => request);
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          method: 'GET',
          url: 'http://user:pw@cogo.test:8000/health',
          timeoutMs: PROBE_TIMEOUT_MS,
        }),
        expect.objectContaining({
          method: 'GET',
          url: 'https://llm.test/v1/models',
          headers: { authorization: `Bearer ${API_KEY}` },
          timeoutMs: 500,
        }),
      ]),
    );
  });

  it('explains why an endpoint is not reachable, without its key', async () => {
    const http = mockHttpRepository();
    http.request.mockImplementation((request) =>
      request.url.endsWith('/models')
        ? Promise.resolve(answer(401, { error: { message: `bad key ${API_KEY}` } }))
        : Promise.reject(new HttpConnectionError('http://cogo.test/health', 'ECONNREFUSED')),
    );
    const service = new IntegrationStatusService(
      appConfig({
        cogoWorker: { enabled: false, url: 'http://cogo.test', timeoutMs: 30_000 },
        llm: { baseUrl: 'https://llm.test/v1', apiKey: API_KEY, model: 'coder-1', timeoutMs: 5_000 },
      }),
      http.repository,
    );
    const status = await service.status();
    expect(status.cogoWorker).toEqual({
      enabled: false,
      url: 'http://cogo.test',
      reachable: false,
      latencyMs: null,
      error: 'Cannot reach http://cogo.test/health: ECONNREFUSED',
    });
    expect(status.llm).toMatchObject({ reachable: false, latencyMs: 12 });
    expect(status.llm.error).toMatch(/^https:\/\/llm.test\/v1\/models answered HTTP 401: .*\[redacted\]/);
    expect(JSON.stringify(status)).not.toContain(API_KEY);
  });

  it('reports a hanging endpoint as not reachable', async () => {
    const http = mockHttpRepository();
    http.request.mockRejectedValue(new HttpTimeoutError('http://cogo.test/health', 2_000));
    const service = new IntegrationStatusService(
      appConfig({ cogoWorker: { enabled: true, url: 'http://cogo.test', timeoutMs: 30_000 } }),
      http.repository,
    );
    await expect(service.status()).resolves.toMatchObject({
      cogoWorker: { reachable: false, error: 'No answer from http://cogo.test/health within 2000 ms' },
    });
  });
});
