import type { TraceMessageEntry } from '@cogo/telemetry';
import { aMessage, aTraceView, anEvent, at } from '../testing/trace-view.builder';
import { barSegments, positionOf, tickStep, timeAxis } from './waterfall-layout';

const messageOf = (view: ReturnType<typeof aTraceView>, pattern: string): TraceMessageEntry => {
  const entry = view.timeline.find((candidate) => candidate.record === 'message' && candidate.pattern === pattern);
  if (entry?.record !== 'message') throw new Error(`no message ${pattern}`);
  return entry;
};

describe(tickStep.name, () => {
  it('is the smallest of 1, 2 or 5 times a power of ten that keeps to the number of ticks', () => {
    expect(tickStep(1_000, 8)).toBe(200);
    expect(tickStep(93, 8)).toBe(20);
    expect(tickStep(800, 8)).toBe(100);
    expect(tickStep(4_100, 8)).toBe(1_000);
    expect(tickStep(3, 8)).toBe(1);
  });
});

describe(timeAxis.name, () => {
  it('runs from the first row to the last instant of any row, with labelled ticks in percent', () => {
    const view = aTraceView([
      aMessage({ pattern: 'a', createdAt: at(0), claimedAt: at(10), completedAt: at(400) }),
      aMessage({ pattern: 'b', createdAt: at(100), claimedAt: at(150), completedAt: at(1_000) }),
    ]);
    const axis = timeAxis(view);

    expect(axis.spanMs).toBe(1_000);
    expect(axis.ticks.map((tick) => [tick.atMs, tick.percent, tick.label])).toEqual([
      [0, 0, '0ms'],
      [200, 20, '200ms'],
      [400, 40, '400ms'],
      [600, 60, '600ms'],
      [800, 80, '800ms'],
      [1_000, 100, '1.00s'],
    ]);
  });

  it('is at least a millisecond long, so a trace of one instant still has an axis', () => {
    expect(timeAxis(aTraceView([aMessage()])).spanMs).toBe(1);
  });
});

describe(barSegments.name, () => {
  it('splits a request into queue wait and handler time at their place on the axis', () => {
    const view = aTraceView([
      aMessage({ pattern: 'root', createdAt: at(0), claimedAt: at(0), completedAt: at(1_000) }),
      aMessage({ pattern: 'step', createdAt: at(100), claimedAt: at(250), completedAt: at(750) }),
    ]);
    const segments = barSegments(messageOf(view, 'step'), timeAxis(view));

    expect(segments).toEqual([
      { kind: 'queued', fromMs: 100, toMs: 250, leftPercent: 10, widthPercent: 15 },
      { kind: 'handling', fromMs: 250, toMs: 750, leftPercent: 25, widthPercent: 50 },
    ]);
  });

  it('shows a retry backoff as delayed, and a handler still running up to the end of the axis', () => {
    const view = aTraceView([
      aMessage({ pattern: 'root', createdAt: at(0), claimedAt: at(0), completedAt: at(1_000) }),
      aMessage({
        pattern: 'retried',
        status: 'claimed',
        attempts: 2,
        createdAt: at(200),
        availableAt: at(500),
        claimedAt: at(600),
        completedAt: null,
      }),
    ]);
    const segments = barSegments(messageOf(view, 'retried'), timeAxis(view));

    expect(segments.map((segment) => [segment.kind, segment.fromMs, segment.toMs])).toEqual([
      ['delayed', 200, 500],
      ['queued', 500, 600],
      ['running', 600, 1_000],
    ]);
  });

  it('keeps a handler that took no measurable time as a mark, and draws a reply as waiting until taken', () => {
    const request = aMessage({ pattern: 'fast', createdAt: at(0), claimedAt: at(40), completedAt: at(40) });
    const reply = aMessage({
      kind: 'reply',
      pattern: 'fast',
      correlationId: request.id,
      parentSpanId: request.spanId,
      createdAt: at(40),
      claimedAt: null,
      completedAt: at(50),
    });
    const view = aTraceView([request, reply]);
    const axis = timeAxis(view);
    const [fast, answer] = view.timeline.filter((entry) => entry.record === 'message');

    expect(barSegments(fast, axis).map((segment) => [segment.kind, segment.widthPercent])).toEqual([
      ['queued', 80],
      ['handling', 0],
    ]);
    expect(barSegments(answer, axis)).toEqual([
      { kind: 'queued', fromMs: 40, toMs: 50, leftPercent: 80, widthPercent: 20 },
    ]);
  });

  it('draws nothing but the wait of a message still queued, up to the end of the axis', () => {
    const view = aTraceView([
      aMessage({ pattern: 'root', createdAt: at(0), claimedAt: at(0), completedAt: at(300) }),
      aMessage({ pattern: 'waiting', status: 'queued', createdAt: at(150), claimedAt: null, completedAt: null }),
    ]);

    expect(barSegments(messageOf(view, 'waiting'), timeAxis(view))).toEqual([
      { kind: 'queued', fromMs: 150, toMs: 300, leftPercent: 50, widthPercent: 50 },
    ]);
  });
});

describe(positionOf.name, () => {
  it('places an event at its instant, within the axis', () => {
    const view = aTraceView(
      [aMessage({ createdAt: at(0), claimedAt: at(0), completedAt: at(800) })],
      [anEvent({ createdAt: at(200) })],
    );
    const axis = timeAxis(view);

    expect(positionOf(at(200), axis)).toBe(25);
    expect(positionOf(at(5_000), axis)).toBe(100);
  });
});
