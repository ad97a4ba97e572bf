import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';

/** Time, so that durations are measurable and testable. */
@Injectable()
export class ClockRepository {
  /** Milliseconds on a monotonic clock: for durations only, not wall time. */
  monotonicMs(): number {
    return performance.now();
  }
}
