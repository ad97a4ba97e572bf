import type * as SupabaseJs from '@supabase/supabase-js';
import type { SupabaseClient, WebSocketLikeConstructor } from '@supabase/supabase-js';
import type * as Ws from 'ws';
import { BusClosedException } from '../../errors/bus-closed.exception';
import type { BusDriver, WakeupHandlers } from '../../interfaces/bus-driver.interface';
import type {
  BusMessage,
  Completion,
  FailResult,
  Failure,
  InstancePresence,
  Lease,
  MessageOutcome,
  MessageStatus,
  OutgoingEvent,
  OutgoingMessage,
  PublishResult,
  SendResult,
} from '../../interfaces/bus-message.interface';
import { toBusMessage, type MessageRow } from '../message-row';
import { publishArgument, sendArgument } from '../sql-arguments';
import { closeRealtimeSocket } from './realtime-socket';
import { RealtimeWakeupChannel } from './realtime-wakeup.channel';
import { SupabaseRpcError } from './supabase-rpc.error';
import { secretRedactor } from './secret-redactor';

export interface SupabaseDriverOptions {
  /** The project URL, `https://<project>.supabase.co` (or a local/self-hosted API URL). */
  readonly url: string;
  /** The service-role (secret) key. Never logged, never part of an error or state reason. */
  readonly serviceRoleKey: string;
  /** Deadline of each `.rpc()` call. Default 15 s. */
  readonly rpcTimeoutMs?: number;
  /** Realtime heartbeat; a heartbeat unanswered for this long closes and reconnects the socket. Default 25 s. */
  readonly heartbeatIntervalMs?: number;
  /** How long a channel join (or leave) waits for the server's reply. Default 10 s. */
  readonly joinTimeoutMs?: number;
  /** How long "Subscribed to PostgreSQL" may take after the join before the channel is rebuilt. Default 30 s. */
  readonly liveTimeoutMs?: number;
  /** Backoff of socket reconnects and channel rebuilds: doubles from `initial` up to `max`, with jitter. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
}

/**
 * supabase-js and ws, loaded when the first Supabase driver is made rather than when the bus is
 * imported: an agent on the Postgres driver never carries them (about 10 MB of its idle memory).
 */
function supabaseJs(): { createClient: typeof SupabaseJs.createClient; transport: WebSocketLikeConstructor } {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  const { createClient } = require('@supabase/supabase-js') as typeof SupabaseJs;
  const WebSocket = require('ws') as typeof Ws.WebSocket;
  /* eslint-enable @typescript-eslint/no-require-imports */
  // ws's first constructor overload takes `address: null`, which realtime-js's structural type
  // rejects; the class is the transport realtime-js documents for Node 20.
  return { createClient, transport: WebSocket as unknown as WebSocketLikeConstructor };
}

/**
 * The Supabase driver: every bus operation is one `.rpc()` to the same SQL function the Postgres
 * driver selects (PostgREST, over HTTPS, with a deadline), and wake-ups come from Realtime
 * postgres_changes, one channel per recipient on one socket (Realtime allows 100 per connection).
 * Realtime is only a wake-up: the consumer claims on "live", on every wake-up and on an idle
 * poll, so a change event lost in a disconnect costs latency, never a message.
 *
 * Authenticates with the service-role key, which bypasses RLS; nothing is granted to anon or
 * authenticated. The Auth client keeps no session and runs no refresh timer.
 */
export class SupabaseDriver implements BusDriver {
  readonly name = 'supabase';
  private readonly client: SupabaseClient;
  private readonly channels = new Map<string, RealtimeWakeupChannel>();
  private readonly redact: (text: string) => string;
  private readonly rpcTimeoutMs: number;
  private closed = false;
  private closing?: Promise<void>;

  constructor(private readonly options: SupabaseDriverOptions) {
    this.redact = secretRedactor(options.serviceRoleKey);
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? 15_000;
    const initial = options.reconnectInitialMs ?? 500;
    const max = options.reconnectMaxMs ?? 15_000;
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 25_000;
    const { createClient, transport } = supabaseJs();
    this.client = createClient(options.url, options.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: {
        transport,
        heartbeatIntervalMs,
        timeout: options.joinTimeoutMs ?? 10_000,
        reconnectAfterMs: (tries: number) => jittered(Math.min(max, initial * 2 ** Math.max(0, tries - 1))),
        // A rebuild briefly leaves the client without channels; do not drop the socket then.
        disconnectOnEmptyChannelsAfterMs: Math.max(2 * heartbeatIntervalMs, 4 * max),
      },
    }) as SupabaseClient;
  }

  async send(messages: readonly OutgoingMessage[]): Promise<SendResult[]> {
    if (messages.length === 0) return [];
    const rows = await this.call<
      { id: string; recipient: string; idempotency_key: string | null; duplicate: boolean; status: MessageStatus }[]
    >('bus_send', { messages: sendArgument(messages) });
    return rows.map((row) => ({
      id: row.id,
      recipient: row.recipient,
      idempotencyKey: row.idempotency_key,
      duplicate: row.duplicate,
      status: row.status,
    }));
  }

  async publish(events: readonly OutgoingEvent[]): Promise<PublishResult[]> {
    if (events.length === 0) return [];
    return this.call<PublishResult[]>('bus_publish', { events: publishArgument(events) });
  }

  async claim(recipient: string, instanceId: string, max: number, leaseMs: number): Promise<BusMessage[]> {
    const rows = await this.call<MessageRow[]>('bus_claim', {
      p_recipient: recipient,
      p_instance: instanceId,
      p_max: max,
      p_lease_ms: Math.round(leaseMs),
    });
    return rows.map(toBusMessage);
  }

  async complete(instanceId: string, completions: readonly Completion[]): Promise<string[]> {
    if (completions.length === 0) return [];
    const rows = await this.call<{ id: string }[]>('bus_complete_many', {
      p_instance: instanceId,
      p_completions: completions.map((c) => ({ id: c.id, attempt: c.attempt, reply: c.reply ?? null })),
    });
    return rows.map((row) => row.id);
  }

  async fail(instanceId: string, failure: Failure): Promise<FailResult | undefined> {
    const rows = await this.call<{ status: MessageStatus; available_at: string; attempts: number }[]>('bus_fail', {
      p_id: failure.id,
      p_instance: instanceId,
      p_attempt: failure.attempt,
      p_error: failure.error,
      p_retryable: failure.retryable,
      p_retry_base_ms: failure.retryBaseMs ?? 1000,
    });
    const row = rows[0];
    return row && { status: row.status, availableAt: new Date(row.available_at), attempts: row.attempts };
  }

  async extend(instanceId: string, leases: readonly Lease[], leaseMs: number): Promise<string[]> {
    if (leases.length === 0) return [];
    const rows = await this.call<{ id: string }[]>('bus_extend', {
      p_instance: instanceId,
      p_leases: leases.map((lease) => ({ id: lease.id, attempt: lease.attempt })),
      p_lease_ms: Math.round(leaseMs),
    });
    return rows.map((row) => row.id);
  }

  async release(instanceId: string, ids?: readonly string[]): Promise<number> {
    const released = await this.call<number | null>('bus_release', {
      p_instance: instanceId,
      p_ids: ids ? [...ids] : null,
    });
    return released ?? 0;
  }

  async takeReplies(instanceId: string, max: number): Promise<BusMessage[]> {
    const rows = await this.call<MessageRow[]>('bus_take_replies', { p_instance: instanceId, p_max: max });
    return rows.map(toBusMessage);
  }

  async outcome(ids: readonly string[]): Promise<MessageOutcome[]> {
    if (ids.length === 0) return [];
    const rows = await this.call<
      {
        id: string;
        kind: MessageOutcome['kind'];
        status: MessageStatus;
        result: unknown;
        error: MessageOutcome['error'];
        completed_at: string | null;
      }[]
    >('bus_outcome', { p_ids: [...ids] });
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      result: row.result,
      error: row.error,
      completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    }));
  }

  async subscribe(group: string, patterns: readonly string[]): Promise<void> {
    if (patterns.length === 0) return;
    await this.call('bus_subscribe', { p_group: group, p_patterns: [...patterns] });
  }

  async heartbeat(presence: InstancePresence): Promise<void> {
    await this.call('bus_heartbeat', {
      p_instance: presence.instanceId,
      p_agent: presence.agent,
      p_capabilities: [...presence.capabilities],
      p_patterns: [...presence.patterns],
      p_version: presence.version,
      p_host: presence.host ?? null,
      p_pid: presence.pid ?? null,
      p_meta: presence.meta ?? {},
    });
  }

  async deregister(instanceId: string): Promise<void> {
    await this.call('bus_deregister', { p_instance: instanceId });
  }

  /** A round trip through PostgREST to the database (`bus_ping()` returns `now()`). */
  async ping(): Promise<void> {
    await this.call('bus_ping', {});
  }

  async listen(recipient: string, handlers: WakeupHandlers): Promise<() => Promise<void>> {
    if (this.closed) throw new BusClosedException('driver');
    if (this.channels.has(recipient)) {
      throw new Error(
        `The Supabase driver already listens for "${recipient}"; call the first listen's stop function first.`,
      );
    }
    const channel = new RealtimeWakeupChannel(this.client, recipient, handlers, {
      joinTimeoutMs: this.options.joinTimeoutMs ?? 10_000,
      liveTimeoutMs: this.options.liveTimeoutMs ?? 30_000,
      rebuildInitialMs: this.options.reconnectInitialMs ?? 500,
      rebuildMaxMs: this.options.reconnectMaxMs ?? 15_000,
      redact: this.redact,
    });
    this.channels.set(recipient, channel);
    await channel.start();
    return async () => {
      if (this.channels.get(recipient) === channel) this.channels.delete(recipient);
      await channel.stop();
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(channels.map((channel) => channel.stop()));
    await closeRealtimeSocket(this.client, this.options.joinTimeoutMs ?? 10_000);
  }

  /** One PostgREST call with a deadline; a failure becomes a SupabaseRpcError without the key. */
  private async call<T = unknown>(fn: string, args: Record<string, unknown>): Promise<T> {
    if (this.closed) throw new BusClosedException('driver');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.rpcTimeoutMs);
    try {
      const response = await this.client.rpc(fn, args).abortSignal(controller.signal);
      const { error, status } = response;
      if (!error) return response.data as T;
      if (controller.signal.aborted) {
        throw new SupabaseRpcError({
          fn,
          status: 0,
          code: 'TIMEOUT',
          message: `no answer from ${this.redact(this.options.url)} within ${this.rpcTimeoutMs} ms`,
        });
      }
      const unreachable = status === 0;
      throw new SupabaseRpcError({
        fn,
        status,
        code: unreachable ? 'FETCH_FAILED' : error.code,
        message: this.redact(unreachable ? `cannot reach ${this.options.url}: ${causeOf(error)}` : error.message),
        hint: error.hint ? this.redact(error.hint) : null,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A fetch failure's message, with the "Caused by" line postgrest-js puts in `details`. */
function causeOf(error: { message: string; details?: string | null }): string {
  const cause = /Caused by: ([^\n]+)/.exec(error.details ?? '')?.[1];
  return cause ? `${error.message} (${cause})` : error.message;
}

function jittered(backoff: number): number {
  return backoff / 2 + Math.random() * (backoff / 2);
}
