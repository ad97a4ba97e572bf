import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { BusExceptionFilter, validationPipe } from '@cogo/bus';
import { Patterns } from '@cogo/contracts';
import { BusGateway, DevModule } from '@cogo/dev';
import { PG_POOL } from '@cogo/store';
import { newTraceId } from '@cogo/tracing';
import { DecisionEventRepository } from '../../../apps/orchestrator/src/quality/decision-event.repository';
import { DecisionQualityService } from '../../../apps/orchestrator/src/quality/decision-quality.service';
import { EvaluationSetRepository } from '../../../apps/orchestrator/src/quality/evaluation-set.repository';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { type CodeBuildTestScenario, playCodeBuildTest } from './code-build-test.scenario';

/**
 * The metrics endpoints of the DevModule over real HTTP, on a real database. Only the bus hop to
 * the orchestrator is replaced: the gateway calls the orchestrator's decision-quality service in
 * process (the e2e test covers the hop).
 */
describe('the metrics endpoints of the developer API', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let scenario: CodeBuildTestScenario;
  const asked: { pattern: string; payload: unknown }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    scenario = await playCodeBuildTest(db.pool);
    const quality = new DecisionQualityService(new DecisionEventRepository(db.pool), new EvaluationSetRepository());

    @Global()
    @Module({ providers: [{ provide: PG_POOL, useValue: db.pool }], exports: [PG_POOL] })
    class TestStoreModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [TestStoreModule, DevModule.register({ artifactsBase: tmpdir() })],
    })
      .overrideProvider(BusGateway)
      .useValue({
        request: (pattern: string, payload: { windowMs: number }) => {
          asked.push({ pattern, payload });
          return quality.report(payload.windowMs);
        },
      })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(validationPipe());
    app.useGlobalFilters(new BusExceptionFilter(app.getHttpAdapter()));
    await app.init();
    http = request(app.getHttpServer() as Server);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  describe('GET /api/metrics/trace/{traceId}', () => {
    it('answers the trace in snake_case: time line with timings, tree and summary', async () => {
      const response = await http.get(`/api/metrics/trace/${scenario.traceId}`).expect(200);
      const body = response.body as {
        trace_id: string;
        summary: Record<string, unknown>;
        timeline: Record<string, unknown>[];
        tree: { pattern: string; children: unknown[] }[];
      };

      expect(body.trace_id).toBe(scenario.traceId);
      expect(body.summary).toMatchObject({ messages: 12, events: 2, failures: 1, in_flight: 1 });
      expect(body.summary.duration_ms).toEqual(expect.any(Number));
      expect(body.timeline[0]).toMatchObject({
        record: 'message',
        id: scenario.ids.execute,
        pattern: 'orchestrator.execute',
        sender: 'orchestrator:0a0a0a0a',
        recipient: 'orchestrator',
        status: 'done',
        attempts: 1,
        depth: 0,
        offset_ms: 0,
        queue_wait_ms: expect.any(Number) as unknown,
        handler_ms: expect.any(Number) as unknown,
      });
      expect(body.timeline.find((entry) => entry.record === 'event')).toMatchObject({
        type: 'orchestrator.decision',
        data: { decisionId: 'decision-1', template: 'codeBuildTest' },
        deliveries: 1,
      });
      expect(body.tree.map((node) => node.pattern)).toEqual(['orchestrator.execute', 'index.repository']);
    });

    it('answers 404 for a trace no row carries', async () => {
      const response = await http.get(`/api/metrics/trace/${newTraceId()}`).expect(404);

      expect(response.body).toMatchObject({ error: { code: 'TRACE_NOT_FOUND' } });
      expect((response.body as { error: { message: string } }).error.message).toMatch(/No message or event carries/);
    });

    it.each(['not-a-trace', '4BF92F3577B34DA6A3CE929D0E0E4736', '0'.repeat(32), 'abc'.repeat(11)])(
      'answers 400 for the malformed id %s',
      async (id) => {
        const response = await http.get(`/api/metrics/trace/${id}`).expect(400);

        expect((response.body as { message: string[] }).message).toEqual([
          'trace_id must be 32 lowercase hex digits, not all zeros (a W3C trace id, as in trace_id answers)',
        ]);
      },
    );
  });

  describe('GET /api/metrics/latency', () => {
    it('reports p50/p90/p99 per pattern over the default window of 15 minutes', async () => {
      const response = await http.get('/api/metrics/latency').expect(200);
      const body = response.body as {
        window: string;
        overall: Record<string, unknown>;
        patterns: Record<string, unknown>[];
      };

      expect(body.window).toBe('15m');
      // 5 requests and 1 event delivery finished; the index.repository request is still queued.
      expect(body.overall).toMatchObject({ count: 6, failures: 1 });
      expect(body.patterns.find((entry) => entry.pattern === 'test.run')).toMatchObject({
        count: 1,
        failures: 1,
        failure_rate: 1,
        p50_ms: expect.any(Number) as unknown,
        p90_ms: expect.any(Number) as unknown,
        p99_ms: expect.any(Number) as unknown,
      });
    });

    it.each(['15', '5w', '0m', '91d', '1.5h'])('answers 400 for the window %s', async (window) => {
      const response = await http.get('/api/metrics/latency').query({ window }).expect(400);

      expect(JSON.stringify(response.body)).toMatch(/window must be/);
    });
  });

  describe('GET /api/metrics/events', () => {
    it('counts events by type and pages through them, newest first', async () => {
      const response = await http.get('/api/metrics/events?window=1h&type=&page=1&page_size=1').expect(200);
      const body = response.body as { counts: unknown[]; events: Record<string, unknown>[]; next_page: number | null };

      expect(body.counts).toEqual(
        expect.arrayContaining([
          { type: 'codegen.completed', count: 1 },
          { type: 'orchestrator.decision', count: 1 },
        ]),
      );
      expect(body.events).toHaveLength(1);
      expect(body.events[0]).toMatchObject({ type: 'codegen.completed', trace_id: scenario.traceId });
      expect(body.next_page).toBe(2);
      const last = await http.get('/api/metrics/events?type=orchestrator.decision').expect(200);
      expect(last.body).toMatchObject({ window: '1h', total: 1, page: 1, page_size: 50, next_page: null });
    });

    it.each([
      ['page=0', /page must be a whole number from 1/],
      ['page_size=500', /page_size must be a whole number from 1 to 200/],
      ['page=x', /page must be a whole number from 1/],
      ['window=soon', /window must be a whole number and a unit/],
      ['colour=red', /property colour should not exist/],
    ])('answers 400 for %s', async (query, message) => {
      const response = await http.get(`/api/metrics/events?${query}`).expect(400);

      expect(JSON.stringify(response.body)).toMatch(message);
    });
  });

  describe('GET /api/metrics/decision-quality', () => {
    it('asks the orchestrator for the window and answers in snake_case', async () => {
      const response = await http.get('/api/metrics/decision-quality?window=2h').expect(200);
      const body = response.body as {
        window: string;
        online: Record<string, unknown>;
        offline: Record<string, unknown>;
      };

      expect(asked.at(-1)).toEqual({ pattern: Patterns.OrchestratorDecisionQuality, payload: { windowMs: 7_200_000 } });
      expect(body.window).toBe('2h');
      expect(body.online).toMatchObject({ decisions: 1, without_template: 0, pending: 1, decided: 0, score: null });
      expect(body.online.by_template).toEqual([
        { template: 'codeBuildTest', decided: 0, clean: 0, replanned: 0, failed: 0, score: null },
      ]);
      expect(body.offline).toMatchObject({ evaluation_set: 'libs/gates/src/evaluation/intents.eval.json', errors: 0 });
      expect(body.offline.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(body.offline.per_template).toEqual(
        expect.arrayContaining([expect.objectContaining({ template: 'codeBuildTest' })]),
      );
    });
  });
});
