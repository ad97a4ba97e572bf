interface LogLine {
  readonly level: string;
  readonly time?: string;
  readonly msg?: string;
  readonly context?: string;
  readonly trace_id?: string;
  readonly err?: { readonly stack?: string };
}

const LEVEL_COLORS: Readonly<Record<string, string>> = {
  trace: '\x1b[90m',
  debug: '\x1b[90m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[1;31m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * One JSON log line of an agent as a person reads it in a terminal:
 * `12:04:05.120 INFO  [WorkflowRunner] resuming workflow run … trace 4bf92f35`, followed by the
 * error's stack when there is one. Anything that is not a log line is returned unchanged.
 */
export function formatLogLine(line: string, options: { readonly color?: boolean } = {}): string {
  const entry = parseLogLine(line);
  if (!entry) return line;
  const paint = (code: string | undefined, text: string) => (options.color && code ? `${code}${text}${RESET}` : text);
  const parts = [
    paint(DIM, clockTime(entry.time)),
    paint(LEVEL_COLORS[entry.level], entry.level.toUpperCase().padEnd(5)),
    ...(entry.context ? [paint(DIM, `[${entry.context}]`)] : []),
    entry.msg ?? '',
    ...(entry.trace_id ? [paint(DIM, `trace ${entry.trace_id.slice(0, 8)}`)] : []),
  ];
  const stack = entry.err?.stack;
  return parts.join(' ') + (stack ? `\n${paint(DIM, stack)}` : '');
}

function parseLogLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return typeof (parsed as { level?: unknown }).level === 'string' ? (parsed as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

/** Local wall-clock time with milliseconds: the date is the same for a whole terminal session. */
function clockTime(iso: string | undefined): string {
  const time = iso ? new Date(iso) : new Date();
  if (Number.isNaN(time.getTime())) return '??:??:??.???';
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}
