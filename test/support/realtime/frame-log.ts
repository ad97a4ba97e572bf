import type { PhoenixMessage, PhoenixVsn } from './phoenix-serializer';

export type FrameDirection = 'in' | 'out';

/** One WebSocket text frame as it crossed the wire, with its decoded form when it decoded. */
export interface FrameRecord {
  readonly direction: FrameDirection;
  readonly connectionId: number;
  readonly vsn: PhoenixVsn;
  readonly raw: string;
  readonly message: PhoenixMessage | null;
  readonly at: number;
}

/** What the server has done so far; tests read a snapshot through `RealtimeTestServer.counters`. */
export interface RealtimeCounters {
  connectionsOpened: number;
  connectionsClosed: number;
  handshakesRefused: number;
  framesIn: number;
  framesOut: number;
  joinsReceived: number;
  joinsAccepted: number;
  joinsFailed: number;
  joinsIgnored: number;
  heartbeatsReceived: number;
  heartbeatsUnanswered: number;
  subscriptionsWentLive: number;
  changesDelivered: number;
  changesWithForeignIds: number;
  rpcCalls: number;
  rpcErrors: number;
}

export function zeroCounters(): RealtimeCounters {
  return {
    connectionsOpened: 0,
    connectionsClosed: 0,
    handshakesRefused: 0,
    framesIn: 0,
    framesOut: 0,
    joinsReceived: 0,
    joinsAccepted: 0,
    joinsFailed: 0,
    joinsIgnored: 0,
    heartbeatsReceived: 0,
    heartbeatsUnanswered: 0,
    subscriptionsWentLive: 0,
    changesDelivered: 0,
    changesWithForeignIds: 0,
    rpcCalls: 0,
    rpcErrors: 0,
  };
}

type FrameListener = (frame: FrameRecord) => void;

/** Every frame in both directions, in order, plus waiters for frames that have not arrived yet. */
export class FrameLog {
  private readonly records: FrameRecord[] = [];
  private readonly listeners = new Set<FrameListener>();

  get all(): readonly FrameRecord[] {
    return this.records;
  }

  record(frame: FrameRecord): void {
    this.records.push(frame);
    for (const listener of [...this.listeners]) listener(frame);
  }

  /** Frames whose decoded message matches, e.g. every `phx_join` the server received. */
  matching(predicate: (frame: FrameRecord) => boolean): FrameRecord[] {
    return this.records.filter(predicate);
  }

  /**
   * Resolves with the first frame, already logged at index `from` or later, that matches; rejects
   * after `timeoutMs`.
   */
  waitFor(predicate: (frame: FrameRecord) => boolean, timeoutMs: number, from = 0): Promise<FrameRecord> {
    const seen = this.records.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<FrameRecord>((resolve, reject) => {
      const listener: FrameListener = (frame) => {
        if (!predicate(frame)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`No matching frame within ${timeoutMs} ms (${this.records.length} frames logged)`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  clear(): void {
    this.records.length = 0;
  }
}
