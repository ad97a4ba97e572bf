import { assembleTrace } from './assemble-trace';
import { TRACE_ID, aDeliveryOf, aMessage, aReplyTo, anEvent, at } from './testing/trace-records.builder';
import { fromTraceWire, toTraceWire } from './trace-view.wire';

function aView() {
  const request = aMessage({ createdAt: at(0), claimedAt: at(3), completedAt: at(9) });
  const event = anEvent({ parentSpanId: request.spanId, createdAt: at(4), data: { decisionId: 'kept as stored' } });
  const delivery = aDeliveryOf(event, 'audit', {
    status: 'dead',
    attempts: 5,
    error: { code: 'LEASE_EXPIRED', details: { previousError: null } },
    claimedAt: at(5),
    completedAt: at(8),
  });
  const reply = aReplyTo(request, { createdAt: at(9), takenAt: null });
  return assembleTrace(TRACE_ID, { messages: [request, delivery, reply], events: [event], truncated: false });
}

describe(toTraceWire.name, () => {
  it('uses snake_case keys and ISO times, and passes event data and errors through untouched', () => {
    const wire = toTraceWire(aView());

    expect(Object.keys(wire)).toEqual(['trace_id', 'summary', 'timeline', 'tree']);
    expect(wire.summary).toMatchObject({ started_at: '2026-01-01T00:00:00.000Z', duration_ms: 9, in_flight: 1 });
    expect(wire.timeline[0]).toMatchObject({
      record: 'message',
      queue_wait_ms: 3,
      handler_ms: 6,
      claimed_at: '2026-01-01T00:00:00.003Z',
      parent_id: null,
    });
    expect(wire.timeline[1]).toMatchObject({ record: 'event', data: { decisionId: 'kept as stored' }, deliveries: 1 });
    expect(wire.timeline[2]).toMatchObject({ error: { code: 'LEASE_EXPIRED', details: { previousError: null } } });
    expect(wire.tree[0]).toMatchObject({ span_id: wire.timeline[0].span_id, kind: 'request' });
  });
});

describe(fromTraceWire.name, () => {
  it('reads back exactly what toTraceWire wrote, through JSON', () => {
    const view = aView();

    expect(fromTraceWire(JSON.parse(JSON.stringify(toTraceWire(view))))).toEqual(view);
  });

  it('refuses an answer that is not a trace', () => {
    expect(() => fromTraceWire({ error: { code: 'TRACE_NOT_FOUND' } })).toThrow(TypeError);
    expect(() => fromTraceWire(null)).toThrow(/not a trace/);
  });
});
