import type { RealtimeChannel, RealtimeSystemPayload, SupabaseClient } from '@supabase/supabase-js';
import type { WakeupHandlers } from '../../interfaces/bus-driver.interface';

export interface RealtimeWakeupChannelOptions {
  /** Join and leave pushes wait this long for the server's reply. */
  readonly joinTimeoutMs: number;
  /** After SUBSCRIBED (or a postgres_changes error), "Subscribed to PostgreSQL" must follow within this. */
  readonly liveTimeoutMs: number;
  /** Rebuild backoff: doubles from `initial` up to `max`, with jitter. */
  readonly rebuildInitialMs: number;
  readonly rebuildMaxMs: number;
  /** Applied to every reason handed to `onState`. */
  readonly redact: (text: string) => string;
}

/** One channel object and what became of it; a retired generation ignores everything it still hears. */
interface Generation {
  readonly channel: RealtimeChannel;
  retired: boolean;
  live: boolean;
}

/** The Realtime topic of a recipient's wake-ups (without the `realtime:` prefix the client adds). */
const wakeupTopic = (recipient: string): string => `agent-bus:${recipient}`;

/**
 * The wake-ups of one recipient over Supabase Realtime: a channel `agent-bus:<recipient>` with a
 * postgres_changes INSERT binding on `public.agent_messages` filtered `recipient=eq.<recipient>`.
 *
 * - Every change event is a wake-up (the row itself is not read: the table is the truth).
 * - `live` is reported only on the `system` message "Subscribed to PostgreSQL" (extension
 *   postgres_changes, status ok), never on SUBSCRIBED: the join reply comes before the database
 *   listener is live, and inserts committed in between produce no event. The consumer claims
 *   everything available on `live`, which closes that gap, after every (re)join.
 * - CLOSED, CHANNEL_ERROR, TIMED_OUT, a `system` error of extension "system" (which Realtime
 *   follows with `phx_close`), or no "Subscribed to PostgreSQL" within `liveTimeoutMs`: `down`,
 *   then the channel object is removed and a new one is built after an exponential backoff with
 *   jitter. A `phx_close` is final for a channel object, and the client's own rejoin of an
 *   errored channel would race with the rebuild, so every failure takes the same path.
 */
export class RealtimeWakeupChannel {
  private current?: Generation;
  private retiring: Promise<void> = Promise.resolve();
  private rebuildTimer?: NodeJS.Timeout;
  private liveTimer?: NodeJS.Timeout;
  private attempt = 0;
  private stopped = false;
  private settleStart?: () => void;

  constructor(
    private readonly client: SupabaseClient,
    readonly recipient: string,
    private readonly handlers: WakeupHandlers,
    private readonly options: RealtimeWakeupChannelOptions,
  ) {}

  /**
   * Joins. Resolves once the channel is live or has failed for the first time (it keeps
   * rebuilding after that), or after join timeout + live timeout at the latest.
   */
  start(): Promise<void> {
    const settled = new Promise<void>((resolve) => {
      const cap = setTimeout(resolve, this.options.joinTimeoutMs + this.options.liveTimeoutMs);
      cap.unref();
      this.settleStart = () => {
        clearTimeout(cap);
        this.settleStart = undefined;
        resolve();
      };
    });
    this.open();
    return settled;
  }

  /** Leaves the channel and stops rebuilding. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.rebuildTimer);
    clearTimeout(this.liveTimer);
    this.settleStart?.();
    const current = this.current;
    this.current = undefined;
    if (current) {
      current.retired = true;
      this.retiring = this.retire(current.channel);
    }
    await this.retiring;
  }

  private open(): void {
    if (this.stopped) return;
    this.handlers.onState('connecting');
    const channel = this.client.channel(wakeupTopic(this.recipient));
    const generation: Generation = { channel, retired: false, live: false };
    this.current = generation;
    try {
      channel
        .on(
          'postgres_changes',
          { event: 'INSERT', schema: 'public', table: 'agent_messages', filter: `recipient=eq.${this.recipient}` },
          () => {
            if (!generation.retired) this.handlers.onWake(this.recipient);
          },
        )
        .on('system', {}, (payload: RealtimeSystemPayload) => this.onSystem(generation, payload))
        .subscribe((status, error) => this.onStatus(generation, status, error));
    } catch (error) {
      // The client handed back a channel object that was already joined: retire it and retry.
      this.fail(generation, `cannot join ${wakeupTopic(this.recipient)}: ${reasonOf(asError(error))}`);
    }
  }

  private onStatus(generation: Generation, status: string, error: Error | undefined): void {
    if (generation.retired) return;
    switch (status) {
      case 'SUBSCRIBED':
        // Joined, but the database listener is not live yet: wait for "Subscribed to PostgreSQL".
        generation.live = false;
        this.expectLive(generation, 'no "Subscribed to PostgreSQL" after the join');
        return;
      case 'TIMED_OUT':
        this.fail(generation, `joining ${wakeupTopic(this.recipient)} timed out`);
        return;
      case 'CLOSED':
        this.fail(generation, `${wakeupTopic(this.recipient)} was closed`);
        return;
      default:
        this.fail(generation, `${wakeupTopic(this.recipient)} errored: ${reasonOf(error)}`);
    }
  }

  private onSystem(generation: Generation, payload: RealtimeSystemPayload): void {
    if (generation.retired) return;
    const message = typeof payload.message === 'string' ? payload.message : JSON.stringify(payload.message);
    if (payload.extension === 'postgres_changes') {
      if (payload.status === 'ok') {
        this.goLive(generation);
      } else {
        // Informational in Realtime (the channel stays joined), but no wake-ups flow until a new
        // "Subscribed to PostgreSQL"; if none comes, the channel is rebuilt.
        generation.live = false;
        this.handlers.onState('down', this.options.redact(`Realtime cannot listen to the database: ${message}`));
        this.settleStart?.();
        this.expectLive(generation, `no "Subscribed to PostgreSQL" after: ${message}`);
      }
    } else if (payload.extension === 'system' && payload.status === 'error') {
      // Realtime sends phx_close next; rebuild now rather than wait for it.
      this.fail(generation, `Realtime closed ${wakeupTopic(this.recipient)}: ${message}`);
    }
  }

  private goLive(generation: Generation): void {
    clearTimeout(this.liveTimer);
    generation.live = true;
    this.attempt = 0;
    this.handlers.onState('live');
    this.settleStart?.();
  }

  private expectLive(generation: Generation, reason: string): void {
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => {
      if (!generation.live) this.fail(generation, `${reason} within ${this.options.liveTimeoutMs} ms`);
    }, this.options.liveTimeoutMs);
    this.liveTimer.unref();
  }

  private fail(generation: Generation, reason: string): void {
    if (generation.retired || this.stopped) return;
    generation.retired = true;
    if (this.current === generation) this.current = undefined;
    clearTimeout(this.liveTimer);
    this.handlers.onState('down', this.options.redact(reason));
    this.settleStart?.();
    this.retiring = this.retire(generation.channel);
    const backoff = Math.min(this.options.rebuildMaxMs, this.options.rebuildInitialMs * 2 ** this.attempt);
    this.attempt += 1;
    const wait = backoff / 2 + Math.random() * (backoff / 2);
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => void this.rebuild(), wait);
  }

  private async rebuild(): Promise<void> {
    this.rebuildTimer = undefined;
    await this.retiring;
    this.open();
  }

  /**
   * Removes a channel object from the client: `phx_leave` (buffered if the socket is down, so it
   * always precedes the next join of the topic), then teardown, which stops its rejoin timer.
   */
  private async retire(channel: RealtimeChannel): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'gave up'>(
      (resolve) => (timer = setTimeout(() => resolve('gave up'), this.options.joinTimeoutMs)),
    );
    try {
      const outcome = await Promise.race([this.client.removeChannel(channel), timeout]);
      // removeChannel tears a channel down only after a clean leave; a channel whose leave was
      // answered otherwise is out of the client's list all the same and must not rejoin.
      if (outcome !== 'gave up') channel.teardown();
    } catch {
      // Leaving is best effort: the server drops the subscription with the socket anyway.
    } finally {
      clearTimeout(timer);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function reasonOf(error: Error | undefined): string {
  if (!error) return 'no reason given';
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
