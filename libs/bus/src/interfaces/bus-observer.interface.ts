import type { MessageKind } from './bus-message.interface';

/** How a claimed message ended in this process. */
export type SettledOutcome = 'done' | 'retry' | 'failed' | 'dead' | 'lease_lost' | 'released';

/**
 * What the transport reports as it works, for metrics (libs/telemetry implements it with
 * Prometheus). Patterns are bounded label values; ids never are. Every callback must be cheap
 * and must not throw.
 */
export interface BusObserver {
  /** A claimed message starts running (in flight +1). */
  messageStarted?(event: { pattern: string; kind: MessageKind; attempt: number; queueWaitMs: number }): void;
  /** A running message ended (in flight -1). */
  messageSettled?(event: {
    pattern: string;
    kind: MessageKind;
    attempt: number;
    outcome: SettledOutcome;
    handlerMs: number;
  }): void;
  /** A `send()` got its answer, an error, or timed out. */
  requestFinished?(event: {
    pattern: string;
    outcome: 'ok' | 'remote_error' | 'timeout' | 'send_error';
    roundTripMs: number;
  }): void;
  /** An event was published. */
  eventPublished?(event: { type: string; deliveries: number }): void;
  /** The server's wake-up channel (LISTEN / Realtime) changed state. */
  connectionState?(event: { state: 'connecting' | 'connected' | 'disconnected' | 'draining' | 'closed' }): void;
}

/** Optional provider: when a module provides it, BusModule reports to it. */
export const BUS_OBSERVER = Symbol('BUS_OBSERVER');
