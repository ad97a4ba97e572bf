/**
 * The failures a test can ask the Realtime test server for. The server consults this state at the
 * moment the affected frame is handled; nothing here touches a socket by itself.
 */
export class FaultInjection {
  private joinsToFail: { remaining: number; reason: string } = { remaining: 0, reason: '' };
  private joinsToIgnore = 0;
  private heartbeatRepliesStopped = false;
  private foreignBindingIds = false;

  constructor(private subscribeDelay: number) {}

  /** The next `count` joins get `{"status":"error","response":{"reason":reason}}`. */
  failNextJoins(count: number, reason: string): void {
    this.joinsToFail = { remaining: count, reason };
  }

  /** The next `count` joins get no reply at all, so the client times out. */
  ignoreNextJoins(count: number): void {
    this.joinsToIgnore = count;
  }

  stopHeartbeatReplies(): void {
    this.heartbeatRepliesStopped = true;
  }

  resumeHeartbeatReplies(): void {
    this.heartbeatRepliesStopped = false;
  }

  sendForeignBindingIds(enabled: boolean): void {
    this.foreignBindingIds = enabled;
  }

  setSubscribeDelay(ms: number): void {
    this.subscribeDelay = ms;
  }

  get subscribeDelayMs(): number {
    return this.subscribeDelay;
  }

  get answersHeartbeats(): boolean {
    return !this.heartbeatRepliesStopped;
  }

  get usesForeignBindingIds(): boolean {
    return this.foreignBindingIds;
  }

  /** Consumes one planned join failure: the reason to reply with, or null to join normally. */
  takeJoinFailure(): string | null {
    if (this.joinsToFail.remaining <= 0) return null;
    this.joinsToFail.remaining -= 1;
    return this.joinsToFail.reason;
  }

  /** Consumes one planned ignored join. */
  takeIgnoredJoin(): boolean {
    if (this.joinsToIgnore <= 0) return false;
    this.joinsToIgnore -= 1;
    return true;
  }
}
