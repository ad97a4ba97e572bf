/** How a trace stands, for a list of traces: its workflow run's outcome when it has one. */
export type TraceListStatus = 'ok' | 'failed' | 'running';

/** One trace in the list of recent traces. */
export interface TraceListEntry {
  readonly traceId: string;
  /** The pattern of its first message: what started it. */
  readonly rootPattern: string;
  readonly status: TraceListStatus;
  readonly startedAt: Date;
  /** First message to last completion; `null` while something is still queued or running. */
  readonly durationMs: number | null;
  readonly messages: number;
  readonly failures: number;
  /** The workflow run of the trace, if it started one. */
  readonly run: { readonly id: string; readonly template: string; readonly status: string } | null;
}

/** A trace's figures as read from `agent_messages` (and its run from `workflow_runs`). */
export interface TraceListRow {
  readonly traceId: string;
  readonly rootPattern: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly messages: number;
  readonly failures: number;
  readonly inFlight: number;
  readonly run: TraceListEntry['run'];
}

/**
 * The list entry of a trace: a workflow run decides the status (`succeeded` is ok); without one,
 * any failed delivery makes it failed, else anything still queued or claimed makes it running.
 */
export function traceListEntry(row: TraceListRow): TraceListEntry {
  const status: TraceListStatus = row.run
    ? row.run.status === 'succeeded'
      ? 'ok'
      : row.run.status === 'failed'
        ? 'failed'
        : 'running'
    : row.failures > 0
      ? 'failed'
      : row.inFlight > 0
        ? 'running'
        : 'ok';
  const finishedAt = status !== 'running' && row.inFlight === 0 ? row.finishedAt : null;
  return {
    traceId: row.traceId,
    rootPattern: row.rootPattern,
    status,
    startedAt: row.startedAt,
    durationMs: finishedAt ? Math.max(0, finishedAt.getTime() - row.startedAt.getTime()) : null,
    messages: row.messages,
    failures: row.failures,
    run: row.run,
  };
}
