import { assembleTrace } from './assemble-trace';
import { TRACE_ID, aDeliveryOf, aMessage, aReplyTo, anEvent, at } from './testing/trace-records.builder';
import type { TraceMessageRecord } from './trace-records';
import type { TraceEntry, TraceMessageEntry, TraceNode } from './trace-view';

/**
 * A codeBuildTest-like trace, times in ms after T0 (created / due / claimed / completed):
 *
 *   R1 orchestrator.execute  orchestrator:aa11 -> orchestrator        0 / 0 / 5 / 40     parent span: the HTTP request (not a row)
 *     E1 orchestrator.decision (event)                                10
 *       D1 delivery to audit                                          10 / 10 / 25 / 30
 *     R2 dispatcher.execute  -> executor-dispatcher                   20 / 20 / 22 / 90
 *       R3 codegen.generate  executor-dispatcher:bb22 -> codegen      24 / 24 / 30 / 70
 *         P3 reply                                                    70, taken 72
 *       R4 test.run -> build-test-worker, 2nd attempt, failed         75 / 80 / 82 / 88
 *       P2 reply to R2                                                90, taken 93
 *     P1 reply to R1                                                  40, taken 41
 *   R5 index.repository, still queued, parent span unknown            95 / 95 / - / -
 */
function codeBuildTestTrace() {
  const r1 = aMessage({
    pattern: 'orchestrator.execute',
    sender: 'orchestrator:aa11',
    recipient: 'orchestrator',
    parentSpanId: 'f00df00df00df00d',
    createdAt: at(0),
    claimedAt: at(5),
    completedAt: at(40),
  });
  const e1 = anEvent({
    type: 'orchestrator.decision',
    source: 'orchestrator',
    parentSpanId: r1.spanId,
    createdAt: at(10),
  });
  const d1 = aDeliveryOf(e1, 'audit', { claimedAt: at(25), completedAt: at(30) });
  const r2 = aMessage({
    pattern: 'dispatcher.execute',
    sender: 'orchestrator:aa11',
    recipient: 'executor-dispatcher',
    parentSpanId: r1.spanId,
    createdAt: at(20),
    claimedAt: at(22),
    completedAt: at(90),
  });
  const r3 = aMessage({
    pattern: 'codegen.generate',
    sender: 'executor-dispatcher:bb22',
    recipient: 'codegen-worker',
    parentSpanId: r2.spanId,
    createdAt: at(24),
    claimedAt: at(30),
    completedAt: at(70),
  });
  const p3 = aReplyTo(r3, { createdAt: at(70), takenAt: at(72) });
  const r4 = aMessage({
    pattern: 'test.run',
    sender: 'executor-dispatcher:bb22',
    recipient: 'build-test-worker',
    parentSpanId: r2.spanId,
    createdAt: at(75),
    availableAt: at(80),
    claimedAt: at(82),
    completedAt: at(88),
    attempts: 2,
    status: 'failed',
    error: { code: 'TESTS_FAILED', message: '1 of 1 test(s) failed' },
  });
  const p1 = aReplyTo(r1, { createdAt: at(40), takenAt: at(41) });
  const p2 = aReplyTo(r2, { createdAt: at(90), takenAt: at(93) });
  const r5 = aMessage({
    pattern: 'index.repository',
    sender: 'orchestrator:aa11',
    recipient: 'indexing-worker',
    parentSpanId: '0123456789abcdef',
    createdAt: at(95),
    claimedAt: null,
    completedAt: null,
    status: 'queued',
    attempts: 0,
  });
  // Stored order: by creation, as the repository reads them.
  const messages = [r1, d1, r2, r3, p1, p3, r4, p2, r5];
  return { rows: { r1, e1, d1, r2, r3, p3, r4, p1, p2, r5 }, records: { messages, events: [e1], truncated: false } };
}

const shape = (node: TraceNode): unknown => [node.pattern, node.kind, node.children.map(shape)];
const messageEntry = (entries: readonly TraceEntry[], id: string): TraceMessageEntry => {
  const entry = entries.find((candidate) => candidate.id === id);
  if (entry?.record !== 'message') throw new Error(`no message ${id}`);
  return entry;
};

describe(assembleTrace.name, () => {
  it('orders every row by creation, the event before its delivery at the same instant', () => {
    const { rows, records } = codeBuildTestTrace();
    const view = assembleTrace(TRACE_ID, records);

    expect(view.traceId).toBe(TRACE_ID);
    expect(view.timeline.map((entry) => [entry.id, entry.offsetMs, entry.depth])).toEqual([
      [rows.r1.id, 0, 0],
      [rows.e1.id, 10, 1],
      [rows.d1.id, 10, 2],
      [rows.r2.id, 20, 1],
      [rows.r3.id, 24, 2],
      [rows.p1.id, 40, 1],
      [rows.p3.id, 70, 3],
      [rows.r4.id, 75, 2],
      [rows.p2.id, 90, 2],
      [rows.r5.id, 95, 0],
    ]);
  });

  it('gives each message its queue wait and handler time', () => {
    const { rows, records } = codeBuildTestTrace();
    const { timeline } = assembleTrace(TRACE_ID, records);
    const timing = (row: TraceMessageRecord) => {
      const entry = messageEntry(timeline, row.id);
      return [entry.queueWaitMs, entry.handlerMs];
    };

    expect(timing(rows.r1)).toEqual([5, 35]);
    expect(timing(rows.d1)).toEqual([15, 5]);
    expect(timing(rows.r2)).toEqual([2, 68]);
    expect(timing(rows.r3)).toEqual([6, 40]);
    expect(timing(rows.p3)).toEqual([2, 0]); // a reply waits from creation until taken
    expect(timing(rows.r4)).toEqual([2, 6]); // from due (after the backoff), not from creation
    expect(timing(rows.p1)).toEqual([1, 0]);
    expect(timing(rows.p2)).toEqual([3, 0]);
    expect(timing(rows.r5)).toEqual([null, null]);
  });

  it('keeps status, attempts, route and error of each message, and counts the deliveries of each event', () => {
    const { rows, records } = codeBuildTestTrace();
    const { timeline } = assembleTrace(TRACE_ID, records);

    expect(messageEntry(timeline, rows.r4.id)).toMatchObject({
      record: 'message',
      kind: 'request',
      pattern: 'test.run',
      sender: 'executor-dispatcher:bb22',
      recipient: 'build-test-worker',
      status: 'failed',
      attempts: 2,
      error: { code: 'TESTS_FAILED', message: '1 of 1 test(s) failed' },
      parentId: rows.r2.id,
    });
    expect(timeline.find((entry) => entry.id === rows.e1.id)).toMatchObject({
      record: 'event',
      type: 'orchestrator.decision',
      source: 'orchestrator',
      data: { fact: true },
      deliveries: 1,
      parentId: rows.r1.id,
    });
  });

  it('builds the tree from parent spans, with deliveries under their event and replies under their request', () => {
    const { records } = codeBuildTestTrace();
    const { tree } = assembleTrace(TRACE_ID, records);

    expect(tree.map(shape)).toEqual([
      [
        'orchestrator.execute',
        'request',
        [
          ['orchestrator.decision', 'event', [['orchestrator.decision', 'event', []]]],
          [
            'dispatcher.execute',
            'request',
            [
              ['codegen.generate', 'request', [['codegen.generate', 'reply', []]]],
              ['test.run', 'request', []],
              ['dispatcher.execute', 'reply', []],
            ],
          ],
          ['orchestrator.execute', 'reply', []],
        ],
      ],
      ['index.repository', 'request', []],
    ]);
  });

  it('summarizes duration, counts, failures and who and what took part', () => {
    const { records } = codeBuildTestTrace();
    const { summary } = assembleTrace(TRACE_ID, records);

    expect(summary).toEqual({
      startedAt: at(0),
      finishedAt: at(93),
      durationMs: 93,
      messages: 9,
      events: 1,
      failures: 1,
      inFlight: 1,
      agents: [
        'audit',
        'build-test-worker',
        'codegen-worker',
        'executor-dispatcher',
        'indexing-worker',
        'orchestrator',
      ],
      patterns: [
        'codegen.generate',
        'dispatcher.execute',
        'index.repository',
        'orchestrator.decision',
        'orchestrator.execute',
        'test.run',
      ],
      truncated: false,
    });
  });

  it('puts a parent before its child created in the same millisecond, whatever the stored order', () => {
    const request = aMessage({ createdAt: at(7), claimedAt: at(7), completedAt: at(7) });
    const reply = aReplyTo(request, { createdAt: at(7), takenAt: at(7) });
    const view = assembleTrace(TRACE_ID, { messages: [reply, request], events: [], truncated: false });

    expect(view.timeline.map((entry) => entry.id)).toEqual([request.id, reply.id]);
    expect(view.tree.map(shape)).toEqual([['ping', 'request', [['ping', 'reply', []]]]]);
  });

  it('cuts a cycle of parent spans at its earliest row', () => {
    const first = aMessage({ spanId: '1111111111111111', parentSpanId: '2222222222222222', createdAt: at(1) });
    const second = aMessage({ spanId: '2222222222222222', parentSpanId: '1111111111111111', createdAt: at(2) });
    const view = assembleTrace(TRACE_ID, { messages: [first, second], events: [], truncated: false });

    expect(view.tree.map((node) => [node.id, node.children.map((child) => child.id)])).toEqual([
      [first.id, [second.id]],
    ]);
    expect(view.timeline.map((entry) => entry.depth)).toEqual([0, 1]);
  });

  it('has no duration while nothing has finished, and counts expired and dead messages as failures', () => {
    const queued = aMessage({ status: 'queued', claimedAt: null, completedAt: null, createdAt: at(0) });
    const expired = aMessage({ status: 'expired', claimedAt: null, completedAt: null, createdAt: at(1) });
    const pending = assembleTrace(TRACE_ID, { messages: [queued], events: [], truncated: true }).summary;
    const ended = assembleTrace(TRACE_ID, {
      messages: [queued, { ...expired, completedAt: at(30) }, aMessage({ status: 'dead', createdAt: at(2) })],
      events: [],
      truncated: false,
    }).summary;

    expect(pending).toMatchObject({ finishedAt: null, durationMs: null, failures: 0, inFlight: 1, truncated: true });
    expect(ended).toMatchObject({ durationMs: 30, failures: 2, inFlight: 1 });
  });

  it('refuses a trace without rows', () => {
    expect(() => assembleTrace(TRACE_ID, { messages: [], events: [], truncated: false })).toThrow(RangeError);
  });
});
