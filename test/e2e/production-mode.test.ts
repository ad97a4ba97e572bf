import request from 'supertest';
import { AGENT_NAMES } from '@cogo/config';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

describe('production mode', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack({ env: { APP_MODE: 'production' } });
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it.each(AGENT_NAMES)('%s answers only /metrics and /health/*', async (agent) => {
    const http = request(`http://127.0.0.1:${e2e.stack.portOf(agent)}`);
    const live = await http.get('/health/live').expect(200);
    expect(live.headers['x-powered-by']).toBeUndefined();
    await http.get('/health/ready').expect(200);
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^# HELP cogo_bus_/m);
    for (const path of [
      '/api/orchestrator/plan',
      '/api/workflows/templates',
      '/api/pipeline/codeBuildTest',
      '/api/integration/status',
      '/api/metrics/latency',
      '/artifacts/anything',
    ]) {
      await http.get(path).expect(404);
      await http.post(path).send({ intent: 'index the repository' }).expect(404);
    }
  });

  it.each(AGENT_NAMES)(
    '%s answers 404 to every developer route, by any method, and says nothing about itself',
    async (agent) => {
      const http = request(`http://127.0.0.1:${e2e.stack.portOf(agent)}`);
      const runId = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const routes: [method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string][] = [
        ['post', '/api/orchestrator/execute'],
        ['get', `/api/orchestrator/state/${runId}`],
        ['post', '/api/workflows/execute'],
        ['get', `/api/workflows/gate?run_id=${runId}`],
        ['post', '/api/pipeline/indexing'],
        ['post', '/api/pipeline/execute'],
        ['get', `/api/metrics/trace/${traceId}`],
        ['get', '/api/metrics/events'],
        ['get', '/api/metrics/decision-quality'],
        ['get', `/artifacts/${traceId}/math/src/math.ts`],
        ['put', '/api/orchestrator/plan'],
        ['patch', '/api/workflows/templates'],
        ['delete', `/api/orchestrator/state/${runId}`],
        ['post', '/metrics'],
        ['delete', '/health'],
        ['get', '/'],
        ['get', '/api'],
      ];
      const answers: { route: string; status: number; internals: boolean }[] = [];
      for (const [method, path] of routes) {
        const response = await http[method](path).send({ intent: 'index the repository' });
        answers.push({
          route: `${method.toUpperCase()} ${path}`,
          status: response.status,
          internals: /node_modules|\/dist\/|\bat \S+ \(|"stack"/.test(response.text),
        });
      }
      expect(answers).toEqual(
        routes.map(([method, path]) => ({ route: `${method.toUpperCase()} ${path}`, status: 404, internals: false })),
      );
    },
  );

  it('does not serve the viewer: no /dev, no stream, no trace pages', async () => {
    const http = request(e2e.stack.apiUrl);
    for (const path of ['/dev', '/dev/api/stream', '/dev/api/traces', '/dev/traces/4bf92f3577b34da6a3ce929d0e0e4736']) {
      await http.get(path).expect(404);
    }
  });
});
