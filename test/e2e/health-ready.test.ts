import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { EmbeddedPostgres } from '@cogo/store';
import { parseExposition, sampleValue } from '@cogo/telemetry';
import { LocalStack } from '../../scripts/support/local-stack';
import { freePortBlock, waitFor } from '../support/process-tools';

interface HealthBody {
  status: 'ok' | 'error';
  info?: Record<string, { status: string; subscription?: string }>;
  error?: Record<string, { status: string; subscription?: string; message?: string }>;
  details: Record<string, { status: string; subscription?: string }>;
}

const POSTGRES_SETTINGS = { fsync: 'off' };

/**
 * Readiness follows the database: every agent on an embedded Postgres of its own, in production
 * mode, which this test stops and starts again.
 */
describe('/health/ready of every agent across a database outage', () => {
  let stateDir: string;
  let stack: LocalStack;
  let restarted: EmbeddedPostgres | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'cogo-e2e-ready-'));
    chmodSync(stateDir, 0o755);
    stack = await LocalStack.start({
      stateDir,
      apiPort: await freePortBlock(15),
      postgresSettings: POSTGRES_SETTINGS,
      env: { NO_COLOR: '1', APP_MODE: 'production', HOST: '127.0.0.1' },
      onLog: (source, line) => output.push(`${source} | ${line}`),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await restarted?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const agentUrl = (agent: AgentName): string => `http://127.0.0.1:${stack.portOf(agent)}`;

  async function readiness(): Promise<Record<AgentName, { code: number; body: HealthBody }>> {
    const answers = await Promise.all(
      AGENT_NAMES.map(async (agent) => {
        const response = await request(agentUrl(agent)).get('/health/ready').timeout(5_000);
        return [agent, { code: response.status, body: response.body as HealthBody }] as const;
      }),
    );
    return Object.fromEntries(answers) as Record<AgentName, { code: number; body: HealthBody }>;
  }

  /** Waits until every agent answers `code`; resolves with the answers and the seconds it took. */
  async function untilEveryAgent(code: number, what: string, timeoutMs: number) {
    const since = Date.now();
    const answers = await waitFor(
      async () => {
        const now = await readiness();
        return AGENT_NAMES.every((agent) => now[agent].code === code) ? now : undefined;
      },
      what,
      timeoutMs,
      250,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.slice(-30).join('\n')}`);
    });
    return { answers, seconds: (Date.now() - since) / 1000 };
  }

  async function connectionState(agent: AgentName, state: string): Promise<number | undefined> {
    const response = await request(agentUrl(agent)).get('/metrics').expect(200);
    return sampleValue(parseExposition(response.text), 'cogo_bus_connection_status', { agent, state });
  }

  it('is ready when the database answers and the bus subscription is live, and serves /metrics in production', async () => {
    const { answers } = await untilEveryAgent(200, 'every agent to be ready', 10_000);
    for (const agent of AGENT_NAMES) {
      expect({ agent, body: answers[agent].body }).toMatchObject({
        agent,
        body: {
          status: 'ok',
          details: { database: { status: 'up' }, bus: { status: 'up', subscription: 'connected' } },
        },
      });
      expect({ agent, connected: await connectionState(agent, 'connected') }).toEqual({ agent, connected: 1 });
    }
    // Production mode: the developer API is not even loaded.
    await request(agentUrl('orchestrator')).get('/api/workflows/templates').expect(404);
    const health = await request(agentUrl('orchestrator')).get('/health').expect(200);
    expect((health.body as HealthBody).status).toBe('ok');
  });

  it('answers 503 with the reasons within seconds of the database going away, while staying live', async () => {
    await stack.postgresServer!.stop();

    const { answers, seconds } = await untilEveryAgent(503, 'every agent to be not ready', 15_000);
    expect(seconds).toBeLessThan(10);
    for (const agent of AGENT_NAMES) {
      const { body } = answers[agent];
      expect({ agent, status: body.status, database: body.error?.database?.status }).toEqual({
        agent,
        status: 'error',
        database: 'down',
      });
      expect(body.error?.database?.message).toEqual(expect.any(String));
    }
    // The LISTEN connection notices too (at once, or at its next keep-alive).
    await waitFor(
      async () => {
        const now = await readiness();
        return AGENT_NAMES.every((agent) => now[agent].body.error?.bus?.subscription !== undefined) ? now : undefined;
      },
      'every agent to report its bus subscription down',
      15_000,
      250,
    );
    for (const agent of AGENT_NAMES) {
      await request(agentUrl(agent)).get('/health/live').expect(200);
      await request(agentUrl(agent)).get('/health').expect(503);
      expect({ agent, connected: await connectionState(agent, 'connected') }).toEqual({ agent, connected: 0 });
    }
  });

  it('is ready again once the database is back, without restarting any agent', async () => {
    const stopped = stack.postgresServer!;
    restarted = await EmbeddedPostgres.start({
      dataDir: stopped.dataDir,
      port: stopped.port,
      settings: POSTGRES_SETTINGS,
    });
    expect(restarted.port).toBe(stopped.port);

    const { answers, seconds } = await untilEveryAgent(200, 'every agent to be ready again', 30_000);
    expect(seconds).toBeLessThan(20);
    for (const agent of AGENT_NAMES) {
      expect(answers[agent].body.details.bus).toEqual({ status: 'up', subscription: 'connected' });
      expect(stack.agent(agent)?.process.exitCode).toBeNull();
      expect({ agent, connected: await connectionState(agent, 'connected') }).toEqual({ agent, connected: 1 });
    }
  });
});
