/**
 * Payloads of the events this worker publishes. They belong in libs/contracts next to `Events`;
 * they live here until the contract defines them.
 */

/** `Events.BuildCompleted`, after every `build.compile` that produced a result. */
export interface BuildCompletedEvent {
  readonly workspace: string;
  readonly ok: boolean;
  /** Number of error diagnostics. */
  readonly errors: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

/** `Events.TestCompleted`, after every `test.run` that produced a result. */
export interface TestCompletedEvent {
  readonly workspace: string;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly timedOut: boolean;
  readonly durationMs: number;
}
