import { Client, type Pool, type QueryResultRow } from 'pg';
import { createPgPool, redactConnectionString } from '@cogo/store';
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
import { publishArgument, sendArgument, wakeupChannel } from '../sql-arguments';

export interface PostgresDriverOptions {
  readonly connectionString: string;
  /** Shown in pg_stat_activity. */
  readonly applicationName?: string;
  readonly poolSize?: number;
  readonly statementTimeoutMs?: number;
  /** How often the LISTEN connection proves it is alive with a round trip. */
  readonly keepAliveMs?: number;
  /** How long that round trip may take before the connection is declared dead. */
  readonly keepAliveTimeoutMs?: number;
  /** Reconnect backoff of the LISTEN connection: doubles from `initial` up to `max`, with jitter. */
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
}

/**
 * The plain-Postgres driver: a `pg` pool for calls and one dedicated LISTEN connection per
 * process for wake-ups. LISTEN needs a session: it does not work through a transaction-mode
 * pooler (PgBouncer, Supavisor port 6543); point DATABASE_URL at the database or a session-mode pooler.
 */
export class PostgresDriver implements BusDriver {
  readonly name = 'postgres';
  private readonly pool: Pool;
  private readonly listeners = new Map<string, WakeupHandlers>();
  private connection?: ListenConnection;
  private connecting?: Promise<void>;
  private keepAliveTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempt = 0;
  private closed = false;

  constructor(private readonly options: PostgresDriverOptions) {
    this.pool = createPgPool({
      connectionString: options.connectionString,
      applicationName: options.applicationName,
      max: options.poolSize ?? 10,
      statementTimeoutMs: options.statementTimeoutMs,
    });
  }

  async send(messages: readonly OutgoingMessage[]): Promise<SendResult[]> {
    if (messages.length === 0) return [];
    const rows = await this.rows<{
      id: string;
      recipient: string;
      idempotency_key: string | null;
      duplicate: boolean;
      status: MessageStatus;
    }>('select * from public.bus_send($1::jsonb)', [JSON.stringify(sendArgument(messages))]);
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
    return this.rows<PublishResult>('select * from public.bus_publish($1::jsonb)', [
      JSON.stringify(publishArgument(events)),
    ]);
  }

  async claim(recipient: string, instanceId: string, max: number, leaseMs: number): Promise<BusMessage[]> {
    const rows = await this.rows<MessageRow>('select * from public.bus_claim($1, $2, $3, $4)', [
      recipient,
      instanceId,
      max,
      Math.round(leaseMs),
    ]);
    return rows.map(toBusMessage);
  }

  async complete(instanceId: string, completions: readonly Completion[]): Promise<string[]> {
    if (completions.length === 0) return [];
    const argument = completions.map((c) => ({ id: c.id, attempt: c.attempt, reply: c.reply ?? null }));
    const rows = await this.rows<{ id: string }>('select id from public.bus_complete_many($1, $2::jsonb)', [
      instanceId,
      JSON.stringify(argument),
    ]);
    return rows.map((row) => row.id);
  }

  async fail(instanceId: string, failure: Failure): Promise<FailResult | undefined> {
    const rows = await this.rows<{ status: MessageStatus; available_at: Date; attempts: number }>(
      'select * from public.bus_fail($1, $2, $3, $4::jsonb, $5, $6)',
      [
        failure.id,
        instanceId,
        failure.attempt,
        JSON.stringify(failure.error),
        failure.retryable,
        failure.retryBaseMs ?? 1000,
      ],
    );
    const row = rows[0];
    return row && { status: row.status, availableAt: row.available_at, attempts: row.attempts };
  }

  async extend(instanceId: string, leases: readonly Lease[], leaseMs: number): Promise<string[]> {
    if (leases.length === 0) return [];
    const rows = await this.rows<{ id: string }>('select id from public.bus_extend($1, $2::jsonb, $3)', [
      instanceId,
      JSON.stringify(leases),
      Math.round(leaseMs),
    ]);
    return rows.map((row) => row.id);
  }

  async release(instanceId: string, ids?: readonly string[]): Promise<number> {
    const rows = await this.rows<{ released: number }>('select public.bus_release($1, $2::uuid[]) as released', [
      instanceId,
      ids ? [...ids] : null,
    ]);
    return rows[0]?.released ?? 0;
  }

  async takeReplies(instanceId: string, max: number): Promise<BusMessage[]> {
    const rows = await this.rows<MessageRow>('select * from public.bus_take_replies($1, $2)', [instanceId, max]);
    return rows.map(toBusMessage);
  }

  async outcome(ids: readonly string[]): Promise<MessageOutcome[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows<{
      id: string;
      kind: MessageOutcome['kind'];
      status: MessageStatus;
      result: unknown;
      error: MessageOutcome['error'];
      completed_at: Date | null;
    }>('select * from public.bus_outcome($1::uuid[])', [[...ids]]);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      result: row.result,
      error: row.error,
      completedAt: row.completed_at,
    }));
  }

  async subscribe(group: string, patterns: readonly string[]): Promise<void> {
    if (patterns.length === 0) return;
    await this.rows('select public.bus_subscribe($1, $2::text[])', [group, [...patterns]]);
  }

  async heartbeat(presence: InstancePresence): Promise<void> {
    await this.rows('select public.bus_heartbeat($1, $2, $3::text[], $4::text[], $5, $6, $7, $8::jsonb)', [
      presence.instanceId,
      presence.agent,
      [...presence.capabilities],
      [...presence.patterns],
      presence.version,
      presence.host ?? null,
      presence.pid ?? null,
      JSON.stringify(presence.meta ?? {}),
    ]);
  }

  async deregister(instanceId: string): Promise<void> {
    await this.rows('select public.bus_deregister($1)', [instanceId]);
  }

  async ping(): Promise<void> {
    await this.rows('select 1');
  }

  async listen(recipient: string, handlers: WakeupHandlers): Promise<() => Promise<void>> {
    this.listeners.set(recipient, handlers);
    const connection = this.connection;
    if (connection) {
      await this.listenOn(connection, recipient).catch((error: unknown) =>
        this.dropListener(connection, `listen failed: ${messageOf(error)}`),
      );
    } else {
      handlers.onState('connecting');
      await this.connectListener();
    }
    return async () => {
      this.listeners.delete(recipient);
      const current = this.connection;
      if (current?.channels.delete(recipient)) {
        await current.client.query(`unlisten "${wakeupChannel(recipient)}"`).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepAliveTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection) connection.lost = true;
    await connection?.client.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async rows<T extends QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query<T>(sql, values);
    return result.rows;
  }

  /** LISTENs one recipient on a live connection, then tells its handlers that wake-ups flow. */
  private async listenOn(connection: ListenConnection, recipient: string): Promise<void> {
    if (connection.channels.has(recipient)) return;
    await connection.client.query(`listen "${wakeupChannel(recipient)}"`);
    connection.channels.add(recipient);
    this.listeners.get(recipient)?.onState('live');
  }

  /**
   * (Re)connects the LISTEN session. 'live' is reported per recipient only after its LISTEN has
   * returned, so the consumer's catch-up claim cannot miss a notification sent in between.
   */
  private connectListener(): Promise<void> {
    this.connecting ??= this.openListener().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async openListener(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: `${this.options.applicationName ?? 'cogo'}:listen`,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      query_timeout: this.options.keepAliveTimeoutMs ?? 5_000,
    });
    const connection: ListenConnection = { client, channels: new Set(), lost: false };
    const lose = (reason: string): void => this.dropListener(connection, reason);
    client.on('error', (error) => lose(error.message));
    client.on('end', () => lose('connection ended'));
    client.on('notification', (notification) => {
      if (!notification.channel.startsWith('bus:')) return;
      const recipient = notification.channel.slice(4);
      this.listeners.get(recipient)?.onWake(recipient);
    });
    try {
      await client.connect();
      this.connection = connection;
      // Recipients may be added while this loop awaits: keep going until all are listened.
      for (let pending = this.unlistened(connection); pending.length > 0; pending = this.unlistened(connection)) {
        for (const recipient of pending) await this.listenOn(connection, recipient);
      }
    } catch (error) {
      lose(`cannot listen on ${redactConnectionString(this.options.connectionString)}: ${messageOf(error)}`);
      return;
    }
    if (connection.lost || this.closed) return;
    this.reconnectAttempt = 0;
    this.startKeepAlive(connection, lose);
  }

  private unlistened(connection: ListenConnection): string[] {
    return [...this.listeners.keys()].filter((recipient) => !connection.channels.has(recipient));
  }

  private startKeepAlive(connection: ListenConnection, lose: (reason: string) => void): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = setInterval(() => {
      connection.client.query('select 1').catch((error: unknown) => lose(`keep-alive failed: ${messageOf(error)}`));
    }, this.options.keepAliveMs ?? 10_000);
    this.keepAliveTimer.unref();
  }

  private dropListener(connection: ListenConnection, reason: string): void {
    if (connection.lost) return;
    connection.lost = true;
    if (this.connection === connection) {
      this.connection = undefined;
      clearInterval(this.keepAliveTimer);
    }
    connection.client.removeAllListeners('notification');
    connection.client.on('error', () => undefined);
    void connection.client.end().catch(() => undefined);
    if (this.closed) return;
    for (const handlers of this.listeners.values()) handlers.onState('down', reason);
    const initial = this.options.reconnectInitialMs ?? 100;
    const max = this.options.reconnectMaxMs ?? 5_000;
    const backoff = Math.min(max, initial * 2 ** this.reconnectAttempt);
    this.reconnectAttempt += 1;
    const wait = backoff / 2 + Math.random() * (backoff / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      for (const handlers of this.listeners.values()) handlers.onState('connecting');
      void this.connectListener();
    }, wait);
  }
}

interface ListenConnection {
  readonly client: Client;
  readonly channels: Set<string>;
  lost: boolean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
