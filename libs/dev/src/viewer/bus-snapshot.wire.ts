import type { BusSnapshot } from '@cogo/telemetry';

/**
 * A `BusSnapshot` as the live view receives it: snake_case keys, ISO times. A dead letter's
 * `error` is stored JSON and passes through untouched.
 */
export function toBusSnapshotWire(snapshot: BusSnapshot): Record<string, unknown> {
  return {
    at: snapshot.at.toISOString(),
    rate_window_ms: snapshot.rateWindowMs,
    totals: snapshot.totals,
    queues: snapshot.queues.map((queue) => ({
      agent: queue.agent,
      pattern: queue.pattern,
      kind: queue.kind,
      queued: queue.queued,
      claimed: queue.claimed,
      done_recently: queue.doneRecently,
      failed_recently: queue.failedRecently,
      dead: queue.dead,
    })),
    instances: snapshot.instances.map((instance) => ({
      instance_id: instance.instanceId,
      agent: instance.agent,
      started_at: instance.startedAt.toISOString(),
      heartbeat_at: instance.heartbeatAt.toISOString(),
      heartbeat_age_ms: instance.heartbeatAgeMs,
      live: instance.live,
    })),
    dead_letters: snapshot.deadLetters.map((letter) => ({
      id: letter.id,
      trace_id: letter.traceId,
      pattern: letter.pattern,
      recipient: letter.recipient,
      attempts: letter.attempts,
      error: letter.error,
      created_at: letter.createdAt.toISOString(),
      completed_at: letter.completedAt?.toISOString() ?? null,
    })),
  };
}
