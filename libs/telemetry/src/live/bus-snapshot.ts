/** One agent group's traffic on one pattern: the live view's row. Replies are left out. */
export interface QueueFigures {
  /** The recipient group (instance suffix dropped). */
  readonly agent: string;
  readonly pattern: string;
  /** `request` or `event` (an event delivery). */
  readonly kind: 'request' | 'event';
  /** Waiting to be claimed: the queue depth, due or not. */
  readonly queued: number;
  /** Claimed and not finished: in flight. */
  readonly claimed: number;
  /** Finished `done` within the rate window. */
  readonly doneRecently: number;
  /** Finished `failed` or `expired` within the rate window. */
  readonly failedRecently: number;
  /** Dead letters, of all time. */
  readonly dead: number;
}

/** One row of `agent_instances`. */
export interface AgentInstanceFigures {
  readonly instanceId: string;
  readonly agent: string;
  readonly startedAt: Date;
  readonly heartbeatAt: Date;
  /** Time since the last heartbeat, on the database clock. */
  readonly heartbeatAgeMs: number;
  /** The heartbeat is younger than the stale limit. */
  readonly live: boolean;
}

/** A message that ran out of attempts, with the error of its last one. */
export interface DeadLetter {
  readonly id: string;
  readonly traceId: string;
  readonly pattern: string;
  readonly recipient: string;
  readonly attempts: number;
  readonly error: unknown;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** Every delivery in `agent_messages` by state, of all time (replies included). */
export interface BusTotals {
  readonly messages: number;
  readonly queued: number;
  readonly claimed: number;
  readonly done: number;
  readonly failed: number;
  readonly dead: number;
}

/** The bus as it stands, read from the tables: what the developer's live view draws. */
export interface BusSnapshot {
  /** When it was read, on the database clock. */
  readonly at: Date;
  /** The window `doneRecently` and `failedRecently` count over. */
  readonly rateWindowMs: number;
  readonly totals: BusTotals;
  readonly queues: readonly QueueFigures[];
  readonly instances: readonly AgentInstanceFigures[];
  /** The latest dead letters, newest first. */
  readonly deadLetters: readonly DeadLetter[];
}
