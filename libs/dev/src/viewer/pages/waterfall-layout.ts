import { type TraceEntry, type TraceMessageEntry, type TraceView, formatMs } from '@cogo/telemetry';

/** The shared time axis of a waterfall: trace start to its last instant. */
export interface TimeAxis {
  /** Epoch ms of the trace's first row. */
  readonly startMs: number;
  /** Length of the axis, at least 1 ms. */
  readonly spanMs: number;
  readonly ticks: readonly AxisTick[];
}

export interface AxisTick {
  /** Ms after the start. */
  readonly atMs: number;
  readonly percent: number;
  readonly label: string;
}

/**
 * Parts of a message's bar: `delayed` (created, not yet due: a delay or retry backoff), `queued`
 * (due, waiting for a consumer; for a reply, waiting to be taken), `handling` (claimed until
 * completed) and `running` (claimed, not finished when the trace was read).
 */
export type SegmentKind = 'delayed' | 'queued' | 'handling' | 'running';

export interface BarSegment {
  readonly kind: SegmentKind;
  /** Ms after the trace start. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly leftPercent: number;
  readonly widthPercent: number;
}

const TICK_STEPS = [1, 2, 5];

/** The axis of `view`, with round ticks (1, 2 or 5 times a power of ten ms), about `maxTicks` of them. */
export function timeAxis(view: TraceView, maxTicks = 8): TimeAxis {
  const startMs = view.summary.startedAt.getTime();
  const endMs = Math.max(startMs, ...view.timeline.flatMap(instantsOf));
  const spanMs = Math.max(1, endMs - startMs);
  const step = tickStep(spanMs, maxTicks);
  const ticks: AxisTick[] = [];
  for (let atMs = 0; atMs <= spanMs; atMs += step) {
    ticks.push({ atMs, percent: percentOf(atMs, spanMs), label: formatMs(atMs) });
  }
  return { startMs, spanMs, ticks };
}

/** The smallest round step (at least 1 ms) that divides `spanMs` into at most `maxTicks` parts. */
export function tickStep(spanMs: number, maxTicks: number): number {
  const raw = spanMs / Math.max(1, maxTicks);
  for (let power = 1; ; power *= 10) {
    for (const factor of TICK_STEPS) {
      if (factor * power >= raw) return factor * power;
    }
  }
}

/**
 * Where a message's bar lies on the axis, part by part, in time order. Parts without length are
 * left out, except the handler's, which shows as a mark however fast it was.
 */
export function barSegments(entry: TraceMessageEntry, axis: TimeAxis): BarSegment[] {
  const end = axis.startMs + axis.spanMs;
  const segments: BarSegment[] = [];
  const add = (kind: SegmentKind, from: number, to: number, keepEmpty = false): void => {
    if (to < from || (to === from && !keepEmpty)) return;
    const fromMs = from - axis.startMs;
    const toMs = to - axis.startMs;
    segments.push({
      kind,
      fromMs,
      toMs,
      leftPercent: percentOf(fromMs, axis.spanMs),
      widthPercent: percentOf(toMs - fromMs, axis.spanMs),
    });
  };
  const created = entry.createdAt.getTime();
  const completed = entry.completedAt?.getTime() ?? null;
  if (entry.kind === 'reply') {
    add('queued', created, completed ?? end);
    return segments;
  }
  const claimed = entry.queueWaitMs === null ? null : (entry.claimedAt?.getTime() ?? null);
  const due = Math.max(created, entry.availableAt.getTime());
  const waitEnd = claimed ?? completed ?? end;
  add('delayed', created, Math.min(due, waitEnd));
  add('queued', due, waitEnd);
  if (claimed !== null) add(completed === null ? 'running' : 'handling', claimed, completed ?? end, true);
  return segments;
}

/** Where an instant lies on the axis, in percent. */
export function positionOf(at: Date, axis: TimeAxis): number {
  return percentOf(at.getTime() - axis.startMs, axis.spanMs);
}

function percentOf(ms: number, spanMs: number): number {
  return Math.round((Math.min(Math.max(ms, 0), spanMs) / spanMs) * 100_000) / 1_000;
}

function instantsOf(entry: TraceEntry): number[] {
  if (entry.record === 'event') return [entry.createdAt.getTime()];
  return [entry.createdAt, entry.claimedAt, entry.completedAt].flatMap((at) => (at ? [at.getTime()] : []));
}
