/** Final statuses of a bus delivery (`agent_messages.status`) that a gate can judge. */
export const MESSAGE_OUTCOMES = ['done', 'failed', 'dead', 'expired'] as const;

export type MessageOutcome = (typeof MESSAGE_OUTCOMES)[number];

/**
 * One finished delivery, as the gates see it. Every outcome other than `done` counts as a failure:
 * a `dead` letter ran out of attempts, an `expired` one missed its deadline, and a `failed` one was
 * failed without a retry; each of them left its caller without an answer.
 */
export interface OutcomeSample {
  /** Nest's normalized pattern string, e.g. `execute`. */
  readonly pattern: string;
  readonly outcome: MessageOutcome;
  /** Enqueue to completion (queue wait + handling), in milliseconds. */
  readonly durationMs: number;
  readonly finishedAt: Date;
}

/** Whether `outcome` counts against the failure rate. */
export function isFailure(outcome: MessageOutcome): boolean {
  return outcome !== 'done';
}
