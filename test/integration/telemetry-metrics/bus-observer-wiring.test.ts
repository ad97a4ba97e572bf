import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Controller, type INestApplication, Module } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import request from 'supertest';
import {
  BusClient,
  BusContext,
  BusModule,
  BusRecordBuilder,
  BusServer,
  PostgresDriver,
  RemoteErrorException,
  connectBus,
} from '@cogo/bus';
import { HealthModule, type MetricFamily, parseExposition, sampleValue } from '@cogo/telemetry';
import { waitFor } from '../../support/process-tools';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';

const AGENT = 'metrics-probe';

/** Lets a test hold `probe.hold` handlers until it has looked at the in-flight gauge. */
class Gate {
  private release?: () => void;
  private readonly opened = new Promise<void>((done) => (this.release = done));
  wait(): Promise<void> {
    return this.opened;
  }
  open(): void {
    this.release?.();
  }
}

const gate = new Gate();

@Controller()
class ProbeHandlers {
  @MessagePattern('probe.echo')
  echo(@Payload() payload: unknown): unknown {
    return payload;
  }

  @MessagePattern('probe.flaky')
  flaky(@Ctx() context: BusContext): string {
    if (context.getAttempt() === 1) throw new Error('first attempts fail');
    return 'second time lucky';
  }

  @MessagePattern('probe.poison')
  poison(): never {
    throw new Error('always fails');
  }

  @MessagePattern('probe.hold')
  async hold(): Promise<string> {
    await gate.wait();
    return 'released';
  }

  @EventPattern<string>('probe.happened')
  happened(): void {
    // received: the delivery's outcome is what the test looks at
  }
}

/** An agent as `startAgent` builds one: BusModule + HealthModule, no telemetry wiring of its own. */
async function startProbeAgent(databaseUrl: string): Promise<INestApplication> {
  const instanceId = `${AGENT}:${randomBytes(4).toString('hex')}`;
  @Module({
    imports: [
      BusModule.forRoot({
        agent: AGENT,
        instanceId,
        version: 'test',
        routes: { 'probe.*': AGENT },
        server: { retryBaseMs: 20, pollIntervalMs: 200, drainTimeoutMs: 1_000 },
        client: { timeoutMs: 15_000, pollIntervalMs: 200 },
        driver: () => new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId }),
      }),
      HealthModule,
    ],
    controllers: [ProbeHandlers],
  })
  class ProbeAgentModule {}

  const moduleRef = await Test.createTestingModule({ imports: [ProbeAgentModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  connectBus(app);
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('the bus metrics of an agent (BusModule + HealthModule)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let client: BusClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startProbeAgent(db.url);
    client = app.get(BusClient);
    await client.connect();
  });

  afterAll(async () => {
    gate.open();
    await app?.close();
    await db?.drop();
  });

  const http = (): ReturnType<typeof request> => request(app.getHttpServer() as Server);

  async function scrape(): Promise<Map<string, MetricFamily>> {
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(response.text);
  }

  /**
   * A message is counted when it settles, just after its reply is recorded: a sender may hold
   * the reply a moment before the count moves. So scrape until `settled` holds.
   */
  async function scrapeUntil(
    settled: (metrics: Map<string, MetricFamily>) => boolean,
    what: string,
  ): Promise<Map<string, MetricFamily>> {
    return waitFor(async () => {
      const metrics = await scrape();
      return settled(metrics) ? metrics : undefined;
    }, what);
  }

  const send = (pattern: string, data: unknown, maxAttempts?: number): Promise<unknown> =>
    lastValueFrom(
      client.send(pattern, maxAttempts ? new BusRecordBuilder(data).setMaxAttempts(maxAttempts).build() : data),
    );

  it('is ready, with the subscription live, and shows it on /metrics', async () => {
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, bus: { status: 'up', subscription: 'connected' } },
    });
    const metrics = await scrape();
    expect(sampleValue(metrics, 'cogo_bus_connection_status', { agent: AGENT, state: 'connected' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_connection_status', { agent: AGENT, state: 'connecting' })).toBe(0);
    expect(metrics.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(metrics.get('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
  });

  it("counts the server's messages and the client's round trips", async () => {
    await expect(send('probe.echo', { n: 1 })).resolves.toEqual({ n: 1 });
    await expect(send('probe.echo', { n: 2 })).resolves.toEqual({ n: 2 });
    const done = { agent: AGENT, pattern: 'probe.echo', kind: 'request', outcome: 'done' };
    const metrics = await scrapeUntil(
      (now) => sampleValue(now, 'cogo_bus_messages_total', done) === 2,
      'both echoes to be counted',
    );
    const handled = { agent: AGENT, pattern: 'probe.echo', kind: 'request' };
    expect(sampleValue(metrics, 'cogo_bus_handler_duration_seconds_count', handled)).toBe(2);
    expect(sampleValue(metrics, 'cogo_bus_queue_wait_seconds_count', handled)).toBe(2);
    const roundTrips = { agent: AGENT, pattern: 'probe.echo', outcome: 'ok' };
    expect(sampleValue(metrics, 'cogo_bus_request_duration_seconds_count', roundTrips)).toBe(2);
    expect(sampleValue(metrics, 'cogo_bus_request_duration_seconds_sum', roundTrips)).toBeGreaterThan(0);
  });

  it('counts a retry and its redelivery, and a dead letter with its remote error', async () => {
    await expect(send('probe.flaky', {}, 3)).resolves.toBe('second time lucky');
    await expect(send('probe.poison', {}, 2)).rejects.toBeInstanceOf(RemoteErrorException);
    const flaky = { agent: AGENT, pattern: 'probe.flaky', kind: 'request' };
    const poison = { agent: AGENT, pattern: 'probe.poison' };
    const metrics = await scrapeUntil(
      (now) =>
        sampleValue(now, 'cogo_bus_messages_total', { ...flaky, outcome: 'done' }) === 1 &&
        sampleValue(now, 'cogo_bus_messages_total', { ...poison, outcome: 'dead' }) === 1,
      'the flaky and the poison message to settle',
    );
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { ...flaky, outcome: 'retry' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { ...flaky, outcome: 'done' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_redeliveries_total', { agent: AGENT, pattern: 'probe.flaky' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_messages_total', poison)).toBe(2);
    expect(sampleValue(metrics, 'cogo_bus_dead_letters_total', poison)).toBe(1);
    expect(
      sampleValue(metrics, 'cogo_bus_request_duration_seconds_count', { ...poison, outcome: 'remote_error' }),
    ).toBe(1);
  });

  it('counts a published event, and its delivery as an event message', async () => {
    await lastValueFrom(client.emit('probe.happened', { at: 1 }));
    await waitFor(async () => {
      const delivered = sampleValue(await scrape(), 'cogo_bus_messages_total', {
        agent: AGENT,
        pattern: 'probe.happened',
        kind: 'event',
        outcome: 'done',
      });
      return delivered === 1 ? true : undefined;
    }, 'the event delivery to be counted');
    expect(
      sampleValue(await scrape(), 'cogo_bus_events_published_total', { agent: AGENT, type: 'probe.happened' }),
    ).toBe(1);
  });

  it('shows the messages running right now as in flight', async () => {
    const held = Promise.all([send('probe.hold', { n: 1 }), send('probe.hold', { n: 2 })]);
    await waitFor(
      async () => (sampleValue(await scrape(), 'cogo_bus_in_flight', { agent: AGENT }) === 2 ? true : undefined),
      'two messages in flight',
    );
    gate.open();
    await expect(held).resolves.toEqual(['released', 'released']);
    await scrapeUntil((now) => sampleValue(now, 'cogo_bus_in_flight', { agent: AGENT }) === 0, 'nothing in flight');
    const done = { agent: AGENT, pattern: 'probe.hold', kind: 'request', outcome: 'done' };
    expect(sampleValue(await scrape(), 'cogo_bus_messages_total', done)).toBe(2);
  });

  it('is not ready once the bus server drains, and says why', async () => {
    await app.get(BusServer).close();
    const response = await http().get('/health/ready').expect(503);
    expect(response.body).toMatchObject({
      status: 'error',
      error: { bus: { status: 'down', subscription: 'closed' } },
      info: { database: { status: 'up' } },
    });
    await http().get('/health').expect(503);
    await http().get('/health/live').expect(200);
    const metrics = await scrape();
    expect(sampleValue(metrics, 'cogo_bus_connection_status', { agent: AGENT, state: 'closed' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_connection_status', { agent: AGENT, state: 'connected' })).toBe(0);
  });
});
