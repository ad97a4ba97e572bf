import { randomBytes } from 'node:crypto';

/** W3C trace context of the current unit of work: 32-hex trace id, 16-hex span ids. */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | null;
  /** W3C trace flags; `01` = sampled. */
  readonly flags?: string;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function newTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

export const isTraceId = (value: unknown): value is string =>
  typeof value === 'string' && TRACE_ID.test(value) && !/^0+$/.test(value);

export const isSpanId = (value: unknown): value is string =>
  typeof value === 'string' && SPAN_ID.test(value) && !/^0+$/.test(value);

/**
 * A new span in the same trace as `parent` (its child), or the root span of a new trace when
 * there is no parent.
 */
export function childSpan(parent?: TraceContext | null): TraceContext {
  return parent
    ? { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.spanId, flags: parent.flags }
    : { traceId: newTraceId(), spanId: newSpanId(), parentSpanId: null, flags: '01' };
}

/**
 * Parses a W3C `traceparent` header (`00-<trace-id>-<parent-id>-<flags>`). Returns undefined for
 * anything malformed, all-zero ids or the reserved version `ff`, as the spec asks receivers to do.
 * The result is the caller's span: continue it with `childSpan`.
 */
export function parseTraceparent(header: string | undefined | null): TraceContext | undefined {
  if (!header) return undefined;
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags] = match;
  if (version === 'ff' || !isTraceId(traceId) || !isSpanId(spanId)) return undefined;
  return { traceId, spanId, parentSpanId: null, flags };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags ?? '01'}`;
}
