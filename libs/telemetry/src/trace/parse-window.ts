import { InvalidWindowError } from './errors/invalid-window.error';

/** A time window ending now, as given (`15m`) and in milliseconds. */
export interface MetricsWindow {
  readonly text: string;
  readonly ms: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const WINDOW = /^([1-9][0-9]{0,6})(s|m|h|d)$/;

/** The longest window the metrics endpoints look back over. */
export const MAX_WINDOW_MS = 90 * UNIT_MS.d;

/**
 * Parses a window such as `30s`, `15m`, `2h` or `1d`: a whole number greater than zero and one
 * unit (seconds, minutes, hours, days), at most 90 days.
 *
 * @throws InvalidWindowError with a message that shows the accepted forms
 */
export function parseWindow(text: string): MetricsWindow {
  const match = WINDOW.exec(text);
  if (!match) {
    throw new InvalidWindowError(
      `window must be a whole number and a unit s, m, h or d (like 30s, 15m, 2h, 1d), got ${JSON.stringify(text)}`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms > MAX_WINDOW_MS) throw new InvalidWindowError(`window must be at most 90d, got ${text}`);
  return { text, ms };
}

/** Why `value` is not a window, or `null` when it is one. */
export function windowProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `window must be a string like 15m, got ${typeof value}`;
  try {
    parseWindow(value);
    return null;
  } catch (error) {
    if (error instanceof InvalidWindowError) return error.problem;
    throw error;
  }
}
