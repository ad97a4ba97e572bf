import type { TraceMessageRecord } from './trace-records';

/**
 * How long a message waited for a consumer. Requests and event deliveries wait from when they
 * were due (`availableAt`, later than creation after a delay or a retry backoff) until claimed;
 * a reply waits from creation until its requester took it. `null` while it is still waiting, and
 * for a message that ended without ever being claimed (expired in the queue).
 */
export function queueWaitMs(message: TraceMessageRecord): number | null {
  if (message.kind === 'reply') return message.completedAt ? elapsed(message.createdAt, message.completedAt) : null;
  // A message back in the queue after a failed attempt still carries that attempt's claim time.
  if (message.status === 'queued' || message.status === 'expired' || !message.claimedAt) return null;
  return elapsed(message.availableAt, message.claimedAt);
}

/** How long the handler (or the taking of a reply) took: `completedAt - claimedAt`, once finished. */
export function handlerMs(message: TraceMessageRecord): number | null {
  if (message.status === 'expired' || !message.claimedAt || !message.completedAt) return null;
  return elapsed(message.claimedAt, message.completedAt);
}

/**
 * The agent group of a sender, recipient or event source: instances are named
 * `<group>:<suffix>`, groups have no colon.
 */
export function groupOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/** Milliseconds from `from` to `to`, never negative (both come from the database clock). */
export function elapsed(from: Date, to: Date): number {
  return Math.max(0, to.getTime() - from.getTime());
}
