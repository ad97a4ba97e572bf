import type { DatabaseRole } from './api-key-ring';
import type { ChangeBinding, ChangeData, ChangeSubscriber } from './postgres-changes-feed';

/** Where a channel's change events go: the connection that joined it. */
export interface ChangeSink {
  sendChange(channel: ChannelSubscription, ids: readonly number[], data: ChangeData): void;
}

/**
 * One joined `realtime:<name>` topic on one socket: its join ref, its postgres_changes bindings
 * (with the ids the join reply gave them) and the pending "readiness gap" timer.
 */
export class ChannelSubscription implements ChangeSubscriber {
  private open = true;
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly topic: string,
    readonly joinRef: string | null,
    public role: DatabaseRole,
    readonly bindings: readonly ChangeBinding[],
    private readonly sink: ChangeSink,
  ) {}

  /** The channel name without the `realtime:` prefix, as `system` messages name it. */
  get name(): string {
    return this.topic.replace(/^realtime:/, '');
  }

  get active(): boolean {
    return this.open;
  }

  deliver(ids: readonly number[], data: ChangeData): void {
    if (this.open) this.sink.sendChange(this, ids, data);
  }

  /** Starts the database subscription after the readiness gap, unless the channel closes first. */
  afterReadinessGap(delayMs: number, start: () => void): void {
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.open) start();
    }, delayMs);
  }

  close(): void {
    this.open = false;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
