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
    await http.get('/health/live').expect(200);
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
});
