/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for the ingress: accept a caller's
 * `traceparent`, continue its trace with a span of our own, or start a new trace. Ids are lowercase
 * hex, as the bus's `bus_trace_id` / `bus_span_id` domains require.
 */

export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** The caller's span: 16 lowercase hex digits, not all zero. */
  readonly parentId: string;
  readonly sampled: boolean;
}

/** Our span in a trace: the caller's trace when it sent a valid `traceparent`, else a new one. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly sampled: boolean;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
// version "-" trace-id "-" parent-id "-" flags, then (future versions only) more "-"-led fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

export const isTraceId = (value: string): boolean => TRACE_ID.test(value) && value !== ZERO_TRACE_ID;
export const isSpanId = (value: string): boolean => SPAN_ID.test(value) && value !== ZERO_SPAN_ID;

/**
 * The caller's trace context, or null when the header is absent or invalid: an invalid
 * `traceparent` starts a new trace rather than failing the request, as the spec asks.
 */
export function parseTraceparent(header: string | null | undefined): TraceParent | null {
  if (!header) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, parentId, flags, rest] = match;
  // "ff" is forbidden; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (!isTraceId(traceId) || !isSpanId(parentId)) return null;
  return { traceId, parentId, sampled: (parseInt(flags, 16) & 0x01) === 1 };
}

/** Our span: a child of the caller's span when there is one, else the root of a new trace. */
export function startSpan(parent: TraceParent | null): TraceSpan {
  return parent
    ? { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.parentId, sampled: parent.sampled }
    : { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: null, sampled: true };
}

/** A version-00 `traceparent` naming the given span. */
export function formatTraceparent(span: { traceId: string; spanId: string; sampled: boolean }): string {
  return `00-${span.traceId}-${span.spanId}-${span.sampled ? '01' : '00'}`;
}

export const newTraceId = (): string => randomHex(16, ZERO_TRACE_ID);
export const newSpanId = (): string => randomHex(8, ZERO_SPAN_ID);

function randomHex(bytes: number, invalid: string): string {
  for (;;) {
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join('');
    if (hex !== invalid) return hex;
  }
}
