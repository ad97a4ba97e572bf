import {
  BusActivityRepository,
  BusActivityService,
  TraceNotFoundException,
  TraceQueryRepository,
  type TraceMessageEntry,
  type TraceNode,
  type TraceView,
  assembleTrace,
} from '@cogo/telemetry';
import { newTraceId } from '@cogo/tracing';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { type CodeBuildTestScenario, PAUSES, playCodeBuildTest } from './code-build-test.scenario';

const shape = (node: TraceNode): unknown => [node.pattern, node.kind, node.children.map(shape)];

describe(TraceQueryRepository.name, () => {
  let db: TestDatabase;
  let scenario: CodeBuildTestScenario;
  let view: TraceView;

  beforeAll(async () => {
    db = await createTestDatabase();
    scenario = await playCodeBuildTest(db.pool);
    view = assembleTrace(scenario.traceId, await new TraceQueryRepository(db.pool).rowsOfTrace(scenario.traceId));
  });

  afterAll(async () => {
    await db.drop();
  });

  const message = (id: string): TraceMessageEntry => {
    const entry = view.timeline.find((candidate) => candidate.id === id);
    if (entry?.record !== 'message') throw new Error(`the view has no message ${id}`);
    return entry;
  };

  /** A duration as the database computes it, in ms with microseconds. */
  async function sqlMs(expression: string, id: string): Promise<number> {
    const { rows } = await db.pool.query<{ ms: number }>(
      `select (extract(epoch from (${expression})) * 1000)::float8 as ms from agent_messages where id = $1`,
      [id],
    );
    return rows[0].ms;
  }

  it('reads every message and event of the trace, and nothing of other traces', async () => {
    const other = await new TraceQueryRepository(db.pool).rowsOfTrace(newTraceId());

    // 6 requests, 5 replies (the queued index.repository has none yet), 1 delivery; 2 events.
    expect(view.summary.messages).toBe(12);
    expect(view.summary.events).toBe(2);
    expect(view.timeline).toHaveLength(14);
    expect(other).toEqual({ messages: [], events: [], truncated: false });
  });

  it('orders the rows by creation with every parent before its children', () => {
    const position = new Map(view.timeline.map((entry, index) => [entry.id, index]));
    view.timeline.forEach((entry, index) => {
      if (index > 0)
        expect(entry.createdAt.getTime()).toBeGreaterThanOrEqual(view.timeline[index - 1].createdAt.getTime());
      if (entry.parentId !== null) expect(position.get(entry.parentId)).toBeLessThan(index);
    });
    expect(view.timeline[0].id).toBe(scenario.ids.execute);
  });

  it('builds the parent/child tree of the conversation', () => {
    expect(view.tree.map(shape)).toEqual([
      [
        'orchestrator.execute',
        'request',
        [
          ['orchestrator.decision', 'event', [['orchestrator.decision', 'event', []]]],
          [
            'dispatcher.execute',
            'request',
            [
              [
                'codegen.generate',
                'request',
                [
                  ['codegen.completed', 'event', []],
                  ['codegen.generate', 'reply', []],
                ],
              ],
              ['build.compile', 'request', [['build.compile', 'reply', []]]],
              ['test.run', 'request', [['test.run', 'reply', []]]],
              ['dispatcher.execute', 'reply', []],
            ],
          ],
          ['orchestrator.execute', 'reply', []],
        ],
      ],
      ['index.repository', 'request', []],
    ]);
  });

  it('measures queue wait and handler time as the database stamped them', async () => {
    const generate = message(scenario.ids.generate);
    const execute = message(scenario.ids.execute);

    expect(execute.queueWaitMs).toBeGreaterThanOrEqual(PAUSES.executeQueued - 1);
    expect(generate.queueWaitMs).toBeGreaterThanOrEqual(PAUSES.generateQueued - 1);
    expect(generate.handlerMs).toBeGreaterThanOrEqual(PAUSES.generating - 1);
    for (const id of [scenario.ids.execute, scenario.ids.generate, scenario.ids.dispatch]) {
      expect(Math.abs(message(id).queueWaitMs! - (await sqlMs('claimed_at - available_at', id)))).toBeLessThan(1);
      expect(Math.abs(message(id).handlerMs! - (await sqlMs('completed_at - claimed_at', id)))).toBeLessThan(1);
    }
    const replies = view.timeline.filter(
      (entry): entry is TraceMessageEntry => entry.record === 'message' && entry.kind === 'reply',
    );
    expect(replies).toHaveLength(5);
    for (const reply of replies) {
      expect(reply.queueWaitMs).toBe(reply.completedAt!.getTime() - reply.createdAt.getTime());
      expect(reply.status).toBe('done');
    }
    expect(message(scenario.ids.index)).toMatchObject({ status: 'queued', queueWaitMs: null, handlerMs: null });
  });

  it('keeps the route, status, attempts and error of a failed message', () => {
    expect(message(scenario.ids.test)).toMatchObject({
      pattern: 'test.run',
      sender: 'executor-dispatcher:0b0b0b0b',
      recipient: 'build-test-worker',
      status: 'failed',
      attempts: 1,
      error: { code: 'TESTS_FAILED', message: '1 of 3 test(s) failed' },
    });
    const reply = view.timeline.find((entry) => entry.parentId === scenario.ids.test);
    expect(reply).toMatchObject({ kind: 'reply', error: { code: 'TESTS_FAILED' } });
  });

  it('summarizes the trace', async () => {
    const { rows } = await db.pool.query<{ ms: number }>(
      `select (extract(epoch from (max(completed_at) - min(created_at))) * 1000)::float8 as ms
       from agent_messages where trace_id = $1`,
      [scenario.traceId],
    );

    expect(view.summary).toMatchObject({
      messages: 12,
      events: 2,
      failures: 1,
      inFlight: 1,
      agents: [
        'audit-log',
        'build-test-worker',
        'codegen-worker',
        'executor-dispatcher',
        'indexing-worker',
        'orchestrator',
      ],
      patterns: [
        'build.compile',
        'codegen.completed',
        'codegen.generate',
        'dispatcher.execute',
        'index.repository',
        'orchestrator.decision',
        'orchestrator.execute',
        'test.run',
      ],
      truncated: false,
    });
    expect(Math.abs(view.summary.durationMs! - rows[0].ms)).toBeLessThan(1);
    expect(view.summary.durationMs).toBeGreaterThanOrEqual(
      PAUSES.executeQueued + PAUSES.generateQueued + PAUSES.generating - 3,
    );
  });

  it('says when the trace has more rows than it read', async () => {
    const records = await new TraceQueryRepository(db.pool).rowsOfTrace(scenario.traceId, 3);

    expect(records.truncated).toBe(true);
    expect(records.messages.map((row) => row.id)[0]).toBe(scenario.ids.execute);
    expect(records.messages).toHaveLength(3);
    expect(assembleTrace(scenario.traceId, records).summary.truncated).toBe(true);
  });

  it('reports an unknown trace as not found', async () => {
    const service = new BusActivityService(new TraceQueryRepository(db.pool), new BusActivityRepository(db.pool));
    const unknown = newTraceId();

    await expect(service.trace(unknown)).rejects.toThrow(TraceNotFoundException);
    await expect(service.trace(unknown)).rejects.toMatchObject({
      traceId: unknown,
      response: { error: { code: 'TRACE_NOT_FOUND' } },
    });
    await expect(service.trace(scenario.traceId)).resolves.toEqual(view);
  });
});
