import assert from 'node:assert/strict';
import {
  formatTraceparent,
  isSpanId,
  isTraceId,
  newSpanId,
  newTraceId,
  parseTraceparent,
  startSpan,
} from './trace-context.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

Deno.test('parses a version-00 traceparent', () => {
  assert.deepEqual(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`), {
    traceId: TRACE_ID,
    parentId: SPAN_ID,
    sampled: true,
  });
  assert.equal(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.sampled, false);
  assert.equal(parseTraceparent(` 00-${TRACE_ID}-${SPAN_ID}-03 `)?.sampled, true);
});

Deno.test('accepts future versions with extra fields, but not version ff', () => {
  assert.equal(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-future`)?.traceId, TRACE_ID);
  assert.equal(parseTraceparent(`ff-${TRACE_ID}-${SPAN_ID}-01`), null);
});

Deno.test('rejects all-zero ids, uppercase hex, wrong lengths and extra fields in version 00', () => {
  for (const header of [
    `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
    `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${SPAN_ID}0-01`,
    `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    `00-${TRACE_ID}-${SPAN_ID}`,
    '',
    null,
    undefined,
  ]) {
    assert.equal(parseTraceparent(header), null, String(header));
  }
});

Deno.test('generates valid, distinct trace and span ids', () => {
  const traces = new Set(Array.from({ length: 100 }, newTraceId));
  const spans = new Set(Array.from({ length: 100 }, newSpanId));
  assert.equal(traces.size, 100);
  assert.equal(spans.size, 100);
  for (const id of traces) assert.ok(isTraceId(id), id);
  for (const id of spans) assert.ok(isSpanId(id), id);
  assert.equal(isTraceId('0'.repeat(32)), false);
  assert.equal(isSpanId('0'.repeat(16)), false);
});

Deno.test("starts a child span of the caller's, or a new sampled root", () => {
  const child = startSpan({ traceId: TRACE_ID, parentId: SPAN_ID, sampled: false });
  assert.equal(child.traceId, TRACE_ID);
  assert.equal(child.parentSpanId, SPAN_ID);
  assert.notEqual(child.spanId, SPAN_ID);
  assert.equal(child.sampled, false);

  const root = startSpan(null);
  assert.ok(isTraceId(root.traceId));
  assert.equal(root.parentSpanId, null);
  assert.equal(root.sampled, true);
});

Deno.test('formats a version-00 traceparent that parses back', () => {
  const header = formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, sampled: true });
  assert.equal(header, `00-${TRACE_ID}-${SPAN_ID}-01`);
  assert.deepEqual(parseTraceparent(header), { traceId: TRACE_ID, parentId: SPAN_ID, sampled: true });
});
