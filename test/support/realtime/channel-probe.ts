import type {
  RealtimeChannel,
  RealtimePostgresInsertPayload,
  RealtimeSystemPayload,
  SupabaseClient,
} from '@supabase/supabase-js';
import { eventually } from './eventually';

export type ChangeRow = Record<string, unknown>;

export interface InsertBinding {
  readonly schema?: string;
  readonly table?: string;
  readonly filter?: string;
}

/**
 * A supabase-js channel subscribed to postgres_changes INSERTs, recording what the client reports:
 * subscribe statuses (with their errors), `system` messages and change payloads, in order.
 */
export class ChannelProbe {
  readonly statuses: string[] = [];
  readonly errors: Array<Error | undefined> = [];
  readonly systemMessages: RealtimeSystemPayload[] = [];
  readonly changes: Array<RealtimePostgresInsertPayload<ChangeRow>> = [];

  private constructor(readonly channel: RealtimeChannel) {}

  static subscribe(client: SupabaseClient, name: string, binding: InsertBinding = {}): ChannelProbe {
    const channel = client.channel(name);
    const probe = new ChannelProbe(channel);
    channel
      .on<ChangeRow>(
        'postgres_changes',
        {
          event: 'INSERT',
          schema: binding.schema ?? 'public',
          table: binding.table ?? 'agent_messages',
          ...(binding.filter === undefined ? {} : { filter: binding.filter }),
        },
        (payload) => probe.changes.push(payload),
      )
      .on('system', {}, (payload: RealtimeSystemPayload) => probe.systemMessages.push(payload))
      .subscribe((status, error) => {
        probe.statuses.push(status);
        probe.errors.push(error);
      });
    return probe;
  }

  /** Waits until `status` has been reported `occurrence` times in all. */
  waitForStatus(status: string, timeoutMs = 5_000, occurrence = 1): Promise<void> {
    return eventually(
      () => this.statuses.filter((seen) => seen === status).length >= occurrence,
      timeoutMs,
      `status ${status} #${occurrence} (seen: ${this.statuses.join(', ') || 'none'})`,
    ).then(() => undefined);
  }

  /** Waits until `occurrence` "Subscribed to PostgreSQL" messages have arrived. */
  waitUntilLive(timeoutMs = 5_000, occurrence = 1): Promise<void> {
    return eventually(
      () => this.liveMessages().length >= occurrence,
      timeoutMs,
      `"Subscribed to PostgreSQL" #${occurrence} (system messages: ${JSON.stringify(this.systemMessages)})`,
    ).then(() => undefined);
  }

  liveMessages(): RealtimeSystemPayload[] {
    return this.systemMessages.filter((message) => message.extension === 'postgres_changes' && message.status === 'ok');
  }

  /** Waits for a change whose new row matches, and returns it. */
  waitForChange(
    predicate: (row: ChangeRow) => boolean,
    timeoutMs = 5_000,
  ): Promise<RealtimePostgresInsertPayload<ChangeRow>> {
    return eventually(
      () => this.changes.find((change) => predicate(change.new)),
      timeoutMs,
      `a matching change (${this.changes.length} received)`,
    );
  }

  receivedIds(): unknown[] {
    return this.changes.map((change) => change.new.id);
  }
}
