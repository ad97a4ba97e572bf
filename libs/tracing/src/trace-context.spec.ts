import { childSpan, formatTraceparent, isSpanId, isTraceId, parseTraceparent } from './trace-context';
import { currentTrace, runWithTrace } from './trace-storage';

describe(parseTraceparent.name, () => {
  it('reads the trace id and the caller span from a valid header', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentSpanId: null,
      flags: '01',
    });
  });

  it.each([
    ['empty', ''],
    ['too short', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['reserved version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['not hex', '00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01'],
  ])('rejects a %s header', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('round-trips through formatTraceparent', () => {
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(formatTraceparent(parseTraceparent(header)!)).toBe(header);
  });
});

describe(childSpan.name, () => {
  it('starts a new trace without a parent', () => {
    const root = childSpan();
    expect(isTraceId(root.traceId)).toBe(true);
    expect(isSpanId(root.spanId)).toBe(true);
    expect(root.parentSpanId).toBeNull();
  });

  it('keeps the trace and points at the parent span', () => {
    const parent = childSpan();
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.spanId).not.toBe(parent.spanId);
  });
});

describe(runWithTrace.name, () => {
  it('makes the trace current inside, and across awaits, but not outside', async () => {
    const trace = childSpan();
    expect(currentTrace()).toBeUndefined();
    await runWithTrace(trace, async () => {
      await new Promise((done) => setTimeout(done, 1));
      expect(currentTrace()).toBe(trace);
    });
    expect(currentTrace()).toBeUndefined();
  });
});
