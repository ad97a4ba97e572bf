import type { RawData, WebSocket } from 'ws';
import type { ApiKeyRing, DatabaseRole } from './api-key-ring';
import { ChannelSubscription, type ChangeSink } from './channel-subscription';
import type { FaultInjection } from './fault-injection';
import type { FrameLog, RealtimeCounters } from './frame-log';
import {
  decodeFrame,
  encodeFrame,
  PhoenixFrameError,
  type PhoenixMessage,
  type PhoenixPayload,
  type PhoenixVsn,
} from './phoenix-serializer';
import type { ChangeBinding, ChangeData, PostgresChangesFeed } from './postgres-changes-feed';

/** What every connection shares with the server that accepted it. */
export interface ConnectionContext {
  readonly keys: ApiKeyRing;
  readonly faults: FaultInjection;
  readonly feed: PostgresChangesFeed;
  readonly frames: FrameLog;
  readonly counters: RealtimeCounters;
  /** Realtime closes a socket that sent nothing for this long (60 s in production). */
  readonly idleTimeoutMs: number;
  /**
   * A fresh binding id. Realtime uses `phash2` of the binding's parameters (equal bindings share an
   * id); fresh ids make a foreign-id fault unambiguous.
   */
  nextBindingId(): number;
}

const UNMATCHED_TOPIC = { status: 'error', response: { reason: 'unmatched topic' } };
const OK_EMPTY = { status: 'ok', response: {} };

/**
 * One Realtime WebSocket: the Phoenix channel protocol of supabase/realtime's `RealtimeChannel`
 * for joins, leaves, heartbeats and access tokens, and the postgres_changes stream of its channels.
 */
export class PhoenixConnection implements ChangeSink {
  private readonly channels = new Map<string, ChannelSubscription>();
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    readonly vsn: PhoenixVsn,
    private readonly role: DatabaseRole,
    private readonly context: ConnectionContext,
  ) {}

  /** Starts reading frames; call once, right after the upgrade. */
  attach(): void {
    this.context.counters.connectionsOpened += 1;
    this.socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.socket.on('close', () => this.dispose());
    this.socket.on('error', () => this.socket.terminate());
    this.touch();
  }

  /** Closes the TCP connection without a close frame, as a crashed node or a network cut would. */
  terminate(): void {
    this.socket.terminate();
    this.dispose();
  }

  /**
   * Shuts every channel named `name` down the way realtime's `shutdown_response` does: a `system`
   * error with extension "system", then `phx_close`. Returns how many channels it closed.
   */
  shutDownChannel(name: string, message: string): number {
    let closed = 0;
    for (const channel of [...this.channels.values()]) {
      if (channel.name !== name && channel.topic !== name) continue;
      this.send({
        joinRef: channel.joinRef,
        ref: null,
        topic: channel.topic,
        event: 'system',
        payload: { channel: channel.name, extension: 'system', message, status: 'error' },
      });
      this.sendClose(channel);
      this.closeChannel(channel);
      closed += 1;
    }
    return closed;
  }

  sendChange(channel: ChannelSubscription, ids: readonly number[], data: ChangeData): void {
    let sentIds = ids;
    if (this.context.faults.usesForeignBindingIds) {
      sentIds = [this.context.nextBindingId()];
      this.context.counters.changesWithForeignIds += 1;
    } else {
      this.context.counters.changesDelivered += 1;
    }
    this.send({
      joinRef: null,
      ref: null,
      topic: channel.topic,
      event: 'postgres_changes',
      payload: { ids: sentIds, data },
    });
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.touch();
    // Binary frames carry only user broadcasts, which this server does not relay.
    if (isBinary) return;
    const raw = rawText(data);
    this.context.counters.framesIn += 1;
    let message: PhoenixMessage | null = null;
    try {
      message = decodeFrame(this.vsn, raw);
    } catch (error) {
      if (!(error instanceof PhoenixFrameError)) throw error;
    }
    this.context.frames.record({
      direction: 'in',
      connectionId: this.id,
      vsn: this.vsn,
      raw,
      message,
      at: Date.now(),
    });
    if (message) this.dispatch(message);
  }

  private dispatch(message: PhoenixMessage): void {
    if (message.topic === 'phoenix' && message.event === 'heartbeat') {
      this.heartbeat(message);
      return;
    }
    switch (message.event) {
      case 'phx_join':
        this.join(message);
        return;
      case 'phx_leave':
        this.leave(message);
        return;
      case 'access_token':
        this.accessToken(message);
        return;
      default:
        // Broadcast and presence are not relayed; like realtime, other events get no reply.
        if (!this.channels.has(message.topic)) this.reply(message, UNMATCHED_TOPIC);
    }
  }

  private heartbeat(message: PhoenixMessage): void {
    this.context.counters.heartbeatsReceived += 1;
    if (!this.context.faults.answersHeartbeats) {
      this.context.counters.heartbeatsUnanswered += 1;
      return;
    }
    this.reply(message, OK_EMPTY);
  }

  private join(message: PhoenixMessage): void {
    const { counters, faults } = this.context;
    counters.joinsReceived += 1;
    if (faults.takeIgnoredJoin()) {
      counters.joinsIgnored += 1;
      return;
    }
    const failure = faults.takeJoinFailure();
    if (failure !== null) return this.refuseJoin(message, failure);
    if (!message.topic.startsWith('realtime:')) return this.refuseJoin(message, 'unmatched topic');
    if (message.topic === 'realtime:')
      return this.refuseJoin(message, 'TopicNameRequired: You must provide a topic name');

    const token = stringField(message.payload, 'access_token') ?? stringField(message.payload, 'user_token');
    const role = token === undefined ? this.role : this.context.keys.roleOf(token);
    if (!role) return this.refuseJoin(message, 'MalformedJWT: The token provided is not a valid JWT');

    const previous = this.channels.get(message.topic);
    if (previous) {
      // Phoenix closes the old channel process when a topic is joined again on the same socket.
      this.sendClose(previous);
      this.closeChannel(previous);
    }

    const requested = postgresChangesOf(message.payload);
    const echoed: Array<Record<string, unknown> & { id: number }> = requested.map((binding) => ({
      ...binding,
      id: this.context.nextBindingId(),
    }));
    const bindings: ChangeBinding[] = echoed.map((binding) => ({
      id: binding.id,
      event: textOf(binding.event),
      schema: textOf(binding.schema),
      table: textOf(binding.table),
      filter: typeof binding.filter === 'string' ? binding.filter : undefined,
    }));
    const channel = new ChannelSubscription(message.topic, message.joinRef, role, bindings, this);
    this.channels.set(message.topic, channel);
    counters.joinsAccepted += 1;
    this.reply(message, { status: 'ok', response: { postgres_changes: echoed } });
    if (bindings.length > 0) channel.afterReadinessGap(faults.subscribeDelayMs, () => this.goLive(channel));
  }

  private refuseJoin(message: PhoenixMessage, reason: string): void {
    this.context.counters.joinsFailed += 1;
    this.reply(message, { status: 'error', response: { reason } });
  }

  private goLive(channel: ChannelSubscription): void {
    const system = (status: string, text: string): void =>
      this.send({
        joinRef: channel.joinRef,
        ref: null,
        topic: channel.topic,
        event: 'system',
        payload: { channel: channel.name, extension: 'postgres_changes', message: text, status },
      });
    this.context.feed
      .subscribe(channel, {
        onLive: () => {
          this.context.counters.subscriptionsWentLive += 1;
          system('ok', 'Subscribed to PostgreSQL');
        },
        onLost: (reason) => {
          if (channel.active) system('error', reason);
        },
      })
      .catch((error: unknown) => {
        // Informational, as in realtime: the channel stays joined, it just gets no changes.
        if (channel.active) system('error', error instanceof Error ? error.message : String(error));
      });
  }

  private leave(message: PhoenixMessage): void {
    const channel = this.channels.get(message.topic);
    if (!channel) {
      this.reply(message, UNMATCHED_TOPIC);
      return;
    }
    this.reply(message, OK_EMPTY);
    this.sendClose(channel);
    this.closeChannel(channel);
  }

  /** Realtime ignores a token it already holds; a new valid one applies to later changes. */
  private accessToken(message: PhoenixMessage): void {
    const channel = this.channels.get(message.topic);
    if (!channel) {
      this.reply(message, UNMATCHED_TOPIC);
      return;
    }
    const token = stringField(message.payload, 'access_token');
    if (token === undefined) return;
    const role = this.context.keys.roleOf(token);
    if (role) {
      channel.role = role;
      return;
    }
    this.shutDownChannel(channel.name, 'The token provided is not a valid JWT');
  }

  /** Phoenix's close frame carries the join ref as both refs; the client drops it for any other. */
  private sendClose(channel: ChannelSubscription): void {
    this.send({
      joinRef: channel.joinRef,
      ref: channel.joinRef,
      topic: channel.topic,
      event: 'phx_close',
      payload: {},
    });
  }

  private closeChannel(channel: ChannelSubscription): void {
    channel.close();
    this.context.feed.unsubscribe(channel);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  private reply(to: PhoenixMessage, payload: PhoenixPayload): void {
    this.send({ joinRef: to.joinRef, ref: to.ref, topic: to.topic, event: 'phx_reply', payload });
  }

  private send(message: PhoenixMessage): void {
    if (this.disposed || this.socket.readyState !== this.socket.OPEN) return;
    const raw = encodeFrame(this.vsn, message);
    this.context.counters.framesOut += 1;
    this.context.frames.record({
      direction: 'out',
      connectionId: this.id,
      vsn: this.vsn,
      raw,
      message,
      at: Date.now(),
    });
    this.socket.send(raw);
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.socket.close(1000, 'idle timeout'), this.context.idleTimeoutMs);
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const channel of [...this.channels.values()]) this.closeChannel(channel);
    this.context.counters.connectionsClosed += 1;
  }
}

function postgresChangesOf(payload: PhoenixPayload): Array<Record<string, unknown>> {
  const config = payload.config;
  if (typeof config !== 'object' || config === null) return [];
  const changes = (config as Record<string, unknown>).postgres_changes;
  if (!Array.isArray(changes)) return [];
  return changes.filter(
    (binding): binding is Record<string, unknown> => typeof binding === 'object' && binding !== null,
  );
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringField(payload: PhoenixPayload, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' ? value : undefined;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
