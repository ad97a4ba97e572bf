import { type TraceEventRecord, type TraceMessageRecord, type TraceView, assembleTrace } from '@cogo/telemetry';

/** Fixtures for the viewer's page specs: times are ms after T0, so expectations can be worked out by hand. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const at = (ms: number): Date => new Date(T0 + ms);

let sequence = 0;
const next = (): number => (sequence += 1);

/** A request from `orchestrator:aa11` to `worker`, created, claimed and completed at T0 unless told otherwise. */
export function aMessage(overrides: Partial<TraceMessageRecord> = {}): TraceMessageRecord {
  const id = next();
  return {
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    traceId: TRACE_ID,
    spanId: id.toString(16).padStart(16, 'a'),
    parentSpanId: null,
    kind: 'request',
    pattern: 'ping',
    sender: 'orchestrator:aa11',
    recipient: 'worker',
    correlationId: null,
    status: 'done',
    attempts: 1,
    maxAttempts: 5,
    error: null,
    createdAt: at(0),
    availableAt: overrides.createdAt ?? at(0),
    claimedAt: at(0),
    completedAt: at(0),
    ...overrides,
  };
}

export function anEvent(overrides: Partial<TraceEventRecord> = {}): TraceEventRecord {
  const id = next();
  return {
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    traceId: TRACE_ID,
    spanId: id.toString(16).padStart(16, 'b'),
    parentSpanId: null,
    type: 'workflow.started',
    source: 'orchestrator',
    data: null,
    createdAt: at(0),
    ...overrides,
  };
}

/** A view of the given rows, as the trace endpoint assembles it. */
export function aTraceView(messages: TraceMessageRecord[], events: TraceEventRecord[] = []): TraceView {
  return assembleTrace(TRACE_ID, { messages, events, truncated: false });
}
