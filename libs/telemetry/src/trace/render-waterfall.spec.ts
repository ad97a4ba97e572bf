import { assembleTrace } from './assemble-trace';
import { formatMs, renderWaterfall } from './render-waterfall';
import { TRACE_ID, aDeliveryOf, aMessage, aReplyTo, anEvent, at } from './testing/trace-records.builder';
import type { TraceMessageRecord } from './trace-records';

const viewOf = (messages: TraceMessageRecord[]) => assembleTrace(TRACE_ID, { messages, events: [], truncated: false });

/** Width 60 leaves 27 columns after the fixed ones: a 10-cell bar and a 17-column label. */
const NARROW = { width: 60, color: false };

describe(renderWaterfall.name, () => {
  it('draws queue wait and handler time on the shared axis', () => {
    const view = viewOf([aMessage({ createdAt: at(0), claimedAt: at(50), completedAt: at(100) })]);

    const lines = renderWaterfall(view, NARROW).split('\n');

    expect(lines[0]).toBe(`trace ${TRACE_ID}`);
    expect(lines[1]).toBe(`${' '.repeat(36)}0    100ms`);
    // 10 cells for 100 ms: waiting 0-50 ms in cells 0-4, handling 50-100 ms in cells 5-9.
    expect(lines[2]).toBe('   +0ms ▸ ping  client →… done      ░░░░░█████     50ms+50ms');
  });

  it('marks a failure, and draws a retry backoff as a delay before the wait', () => {
    const failed = aMessage({
      createdAt: at(0),
      availableAt: at(20),
      claimedAt: at(40),
      completedAt: at(60),
      status: 'failed',
      attempts: 2,
    });

    const lines = renderWaterfall(viewOf([failed]), NARROW).split('\n');

    // 60 ms over 10 cells: delay 0-20 in cells 0-3, wait 20-40 in 3-6, handling 40-60 in 6-9, the last one marked.
    expect(lines[2]).toBe('   +0ms ▸ ping  client →… ✗ failed  ···░░░███✗     20ms+20ms');
  });

  it('indents by tree depth and lists events, replies and deliveries in time order', () => {
    const request = aMessage({
      pattern: 'codegen.generate',
      sender: 'executor-dispatcher:bb22',
      recipient: 'codegen-worker',
      createdAt: at(0),
      claimedAt: at(10),
      completedAt: at(90),
    });
    const event = anEvent({
      type: 'codegen.completed',
      source: 'codegen-worker',
      parentSpanId: request.spanId,
      createdAt: at(80),
    });
    const delivery = aDeliveryOf(event, 'orchestrator', { claimedAt: at(85), completedAt: at(95) });
    const reply = aReplyTo(request, { createdAt: at(90), takenAt: at(92) });
    const view = assembleTrace(TRACE_ID, { messages: [request, delivery, reply], events: [event], truncated: false });

    const lines = renderWaterfall(view, { width: 140, color: false }).split('\n').slice(2, 6);

    expect(lines.map((line) => line.slice(8, 66).trimEnd())).toEqual([
      '▸ codegen.generate  executor-dispatcher → codegen-worker',
      '  ◆ codegen.completed  codegen-worker',
      '    » codegen.completed  codegen-worker → orchestrator',
      '  ◂ codegen.generate  codegen-worker → executor-dispatcher',
    ]);
    expect(lines[1]).toMatch(/event +◆ *→ 1$/);
    expect(lines[3]).toMatch(/ 2ms$/);
  });

  it('ends with the summary and never runs wider than the terminal', () => {
    const slow = aMessage({
      pattern: 'a.pattern.with.a.rather.long.name',
      sender: 'executor-dispatcher:bb22',
      recipient: 'build-test-worker',
      createdAt: at(0),
      claimedAt: at(1_000),
      completedAt: at(2_410),
    });
    const text = renderWaterfall(viewOf([slow, aMessage({ createdAt: at(5), status: 'dead' })]), {
      width: 100,
      color: false,
    });
    const lines = text.trimEnd().split('\n');

    expect(lines.every((line) => [...line].length <= 100)).toBe(true);
    expect(text).toContain('2.41s from first message to last completion · 2 message(s) · 0 event(s) · 1 failure(s)');
    expect(text).toContain('agents   build-test-worker, client, executor-dispatcher, worker');
    expect(text).not.toContain('\x1b[');
  });

  it('colours only when asked to', () => {
    const view = viewOf([aMessage({ status: 'failed' })]);

    expect(renderWaterfall(view, { width: 80, color: true })).toContain('\x1b[31m');
  });
});

describe(formatMs.name, () => {
  it('reads as ms, then seconds, then minutes', () => {
    expect([formatMs(0), formatMs(840.4), formatMs(2_414), formatMs(12_450), formatMs(187_000)]).toEqual([
      '0ms',
      '840ms',
      '2.41s',
      '12.4s',
      '3m07s',
    ]);
  });
});
