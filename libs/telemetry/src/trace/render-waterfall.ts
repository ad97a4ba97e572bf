import { groupOf } from './trace-timings';
import type { TraceEntry, TraceMessageEntry, TraceView } from './trace-view';

export interface WaterfallOptions {
  /** Terminal columns; the bar takes what the text columns leave. */
  readonly width: number;
  /** ANSI colours (only for a terminal). */
  readonly color: boolean;
}

/** The glyphs of a bar, also printed as the legend. */
export const WATERFALL_GLYPHS = {
  delayed: '·',
  queued: '░',
  handling: '█',
  running: '▓',
  instant: '▏',
  event: '◆',
  failed: '✗',
} as const;

const MARKS = { request: '▸', reply: '◂', delivery: '»', event: '◆' } as const;
const OFFSET_WIDTH = 7;
const STATUS_WIDTH = 9;
const TIMING_WIDTH = 13;
const MIN_BAR = 10;
const MIN_LABEL = 16;

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

/**
 * A trace as a text waterfall for a terminal: one line per message and event in time order,
 * indented by tree depth, with its route (agent group → agent group), pattern, status and a bar on
 * a time axis shared by all lines; queue wait and handler time are drawn with different glyphs,
 * and failures are marked. The summary follows the lines.
 */
export function renderWaterfall(view: TraceView, options: WaterfallOptions): string {
  const paint = (code: string, text: string): string => (options.color && text ? `\x1b[${code}m${text}\x1b[0m` : text);
  const start = view.summary.startedAt.getTime();
  const end = Math.max(start, ...view.timeline.flatMap(instantsOf));
  const span = Math.max(1, end - start);
  const labels = view.timeline.map(labelOf);
  const { labelWidth, barWidth } = layout(options.width, Math.max(...labels.map(length)));
  const column = (at: Date): number => ((at.getTime() - start) / span) * barWidth;

  const lines = [
    paint(ANSI.bold, `trace ${view.traceId}`),
    `${' '.repeat(OFFSET_WIDTH + 1 + labelWidth + 1 + STATUS_WIDTH + 1)}${axis(barWidth, end - start)}`,
  ];
  view.timeline.forEach((entry, index) => {
    const failed = entry.record === 'message' && isFailure(entry);
    const cells =
      entry.record === 'event' ? eventBar(entry, column, barWidth) : messageBar(entry, column, barWidth, end);
    const bar = cells
      .map((cell) => {
        if (cell === WATERFALL_GLYPHS.queued || cell === WATERFALL_GLYPHS.delayed) return paint(ANSI.dim, cell);
        if (cell === WATERFALL_GLYPHS.failed) return paint(ANSI.red, cell);
        if (cell === WATERFALL_GLYPHS.event) return paint(ANSI.yellow, cell);
        return cell === ' ' ? cell : paint(ANSI.cyan, cell);
      })
      .join('');
    const status = fit(statusOf(entry), STATUS_WIDTH);
    lines.push(
      [
        `+${formatMs(entry.offsetMs)}`.padStart(OFFSET_WIDTH),
        fit(labels[index], labelWidth),
        failed
          ? paint(ANSI.red, status)
          : entry.record === 'message' && entry.status === 'done'
            ? paint(ANSI.green, status)
            : status,
        bar,
        timingOf(entry).padStart(TIMING_WIDTH),
      ].join(' '),
    );
  });

  const { summary } = view;
  lines.push(
    '─'.repeat(Math.max(10, options.width)),
    ...wrapParts(
      [
        summary.durationMs === null
          ? 'nothing finished yet'
          : `${formatMs(summary.durationMs)} from first message to last completion`,
        `${summary.messages} message(s)`,
        `${summary.events} event(s)`,
        `${summary.failures} failure(s)`,
        `${summary.inFlight} in flight`,
      ],
      { prefix: '', separator: ' · ', width: options.width },
    ).map((line) =>
      line.replace(/\d+ failure\(s\)/, (failures) => paint(summary.failures > 0 ? ANSI.red : ANSI.green, failures)),
    ),
    ...wrapParts(summary.agents, { prefix: 'agents   ', separator: ', ', width: options.width }),
    ...wrapParts(summary.patterns, { prefix: 'patterns ', separator: ', ', width: options.width }),
    ...wrapParts(
      [
        `${WATERFALL_GLYPHS.delayed} delayed`,
        `${WATERFALL_GLYPHS.queued} queued`,
        `${WATERFALL_GLYPHS.handling} handling`,
        `${WATERFALL_GLYPHS.running} still running`,
        `${WATERFALL_GLYPHS.event} event`,
        `${WATERFALL_GLYPHS.failed} failed`,
        'times: queue wait+handler',
      ],
      { prefix: '', separator: '  ', width: options.width },
    ),
  );
  if (summary.truncated) lines.push('The trace has more rows than were read; only the oldest are shown.');
  return `${lines.join('\n')}\n`;
}

/** Milliseconds for people: `840ms`, `2.41s`, `12.5s`, `3m07s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1_000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

function layout(width: number, longestLabel: number): { labelWidth: number; barWidth: number } {
  const rest = Math.max(MIN_LABEL + MIN_BAR, width - (OFFSET_WIDTH + STATUS_WIDTH + TIMING_WIDTH + 4));
  let barWidth = Math.max(MIN_BAR, Math.floor(rest * 0.35));
  let labelWidth = Math.max(MIN_LABEL, rest - barWidth);
  if (longestLabel < labelWidth) {
    barWidth += labelWidth - Math.max(MIN_LABEL, longestLabel);
    labelWidth = Math.max(MIN_LABEL, longestLabel);
  }
  return { labelWidth, barWidth };
}

function axis(barWidth: number, totalMs: number): string {
  const last = formatMs(totalMs);
  return `0${' '.repeat(Math.max(1, barWidth - 1 - last.length))}${last}`;
}

function instantsOf(entry: TraceEntry): number[] {
  if (entry.record === 'event') return [entry.createdAt.getTime()];
  return [entry.createdAt, entry.claimedAt, entry.completedAt].flatMap((at) => (at ? [at.getTime()] : []));
}

function labelOf(entry: TraceEntry): string {
  const indent = '  '.repeat(entry.depth);
  if (entry.record === 'event') return `${indent}${MARKS.event} ${entry.type}  ${groupOf(entry.source)}`;
  const mark = entry.kind === 'event' ? MARKS.delivery : MARKS[entry.kind];
  return `${indent}${mark} ${entry.pattern}  ${groupOf(entry.sender)} → ${groupOf(entry.recipient)}`;
}

function statusOf(entry: TraceEntry): string {
  if (entry.record === 'event') return 'event';
  const retries = entry.attempts > 1 ? ` ×${entry.attempts}` : '';
  return isFailure(entry) ? `${WATERFALL_GLYPHS.failed} ${entry.status}` : `${entry.status}${retries}`;
}

function timingOf(entry: TraceEntry): string {
  if (entry.record === 'event') return `→ ${entry.deliveries}`;
  if (entry.kind === 'reply') return entry.queueWaitMs === null ? '' : formatMs(entry.queueWaitMs);
  const wait = entry.queueWaitMs === null ? '…' : formatMs(entry.queueWaitMs);
  const handler = entry.handlerMs === null ? (entry.status === 'claimed' ? '…' : '') : formatMs(entry.handlerMs);
  return handler ? `${wait}+${handler}` : wait;
}

function isFailure(entry: TraceMessageEntry): boolean {
  return entry.status === 'failed' || entry.status === 'dead' || entry.status === 'expired';
}

function eventBar(entry: TraceEntry, column: (at: Date) => number, width: number): string[] {
  const cells: string[] = Array.from({ length: width }, () => ' ');
  cells[clampCell(Math.floor(column(entry.createdAt)), width)] = WATERFALL_GLYPHS.event;
  return cells;
}

/**
 * Delay (created, not yet due), queue wait and handler time, painted in that order so handling wins
 * a cell it shares; anything shorter than a cell still shows as a thin mark.
 */
function messageBar(entry: TraceMessageEntry, column: (at: Date) => number, width: number, end: number): string[] {
  const cells: string[] = Array.from({ length: width }, () => ' ');
  let painted = -1;
  const fill = (from: Date, to: Date, glyph: string): void => {
    if (to.getTime() <= from.getTime()) return;
    const first = clampCell(Math.floor(column(from)), width);
    const last = clampCell(Math.ceil(column(to)) - 1, width);
    for (let cell = first; cell <= Math.max(first, last); cell += 1) cells[cell] = glyph;
    painted = Math.max(painted, Math.max(first, last));
  };
  const until = new Date(end);
  const running = entry.completedAt === null;
  if (entry.kind === 'reply') {
    fill(entry.createdAt, entry.completedAt ?? until, WATERFALL_GLYPHS.queued);
  } else {
    const claimed = entry.queueWaitMs === null ? null : entry.claimedAt;
    const due = entry.availableAt.getTime() > entry.createdAt.getTime() ? entry.availableAt : entry.createdAt;
    fill(entry.createdAt, earliest(due, claimed ?? entry.completedAt ?? until), WATERFALL_GLYPHS.delayed);
    fill(due, claimed ?? entry.completedAt ?? until, WATERFALL_GLYPHS.queued);
    if (claimed) {
      fill(claimed, entry.completedAt ?? until, running ? WATERFALL_GLYPHS.running : WATERFALL_GLYPHS.handling);
      // A handler still running at the end of the axis shows at least where it started.
      if (running) {
        painted = Math.max(painted, clampCell(Math.floor(column(claimed)), width));
        cells[clampCell(Math.floor(column(claimed)), width)] = WATERFALL_GLYPHS.running;
      }
    }
  }
  if (painted < 0) {
    painted = clampCell(Math.floor(column(entry.createdAt)), width);
    cells[painted] = WATERFALL_GLYPHS.instant;
  }
  if (isFailure(entry)) cells[painted] = WATERFALL_GLYPHS.failed;
  return cells;
}

function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

function clampCell(cell: number, width: number): number {
  return Math.min(width - 1, Math.max(0, cell));
}

function length(text: string): number {
  return [...text].length;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text.padEnd(width);
}

/** `parts` joined by `separator` into lines of at most `width` columns, continuation lines indented like the first. */
function wrapParts(
  parts: readonly string[],
  layout: { readonly prefix: string; readonly separator: string; readonly width: number },
): string[] {
  const lines: string[] = [];
  const indent = ' '.repeat(layout.prefix.length);
  let line = layout.prefix;
  parts.forEach((part, index) => {
    const piece = index < parts.length - 1 ? `${part}${layout.separator}` : part;
    if (line.length > layout.prefix.length && line.length + piece.trimEnd().length > layout.width) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += piece;
  });
  lines.push(line.trimEnd());
  return lines;
}
