import type { OutcomeSample } from './outcome-sample';

/** A half-open time window `[from, to)`. */
export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

/**
 * The samples that finished inside `window` (from inclusive, to exclusive), so consecutive windows
 * never count one sample twice.
 *
 * @throws RangeError when the window ends before it starts
 */
export function withinWindow(samples: readonly OutcomeSample[], window: TimeWindow): OutcomeSample[] {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (!(from <= to)) {
    throw new RangeError(
      `window must end at or after its start, got ${window.from.toISOString()} .. ${window.to.toISOString()}`,
    );
  }
  return samples.filter((sample) => {
    const finished = sample.finishedAt.getTime();
    return finished >= from && finished < to;
  });
}
