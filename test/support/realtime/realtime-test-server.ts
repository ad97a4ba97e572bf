import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Pool } from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiKeyRing } from './api-key-ring';
import { FaultInjection } from './fault-injection';
import { FrameLog, zeroCounters, type FrameRecord, type RealtimeCounters } from './frame-log';
import { refuseUpgrade, writeJson } from './json-response';
import { PhoenixConnection } from './phoenix-connection';
import { isPhoenixVsn } from './phoenix-serializer';
import { PostgresChangesFeed } from './postgres-changes-feed';
import { PostgrestRpcHandler } from './postgrest-rpc.handler';
import { PostgrestTableHandler } from './postgrest-table.handler';
import { withTimeout } from './with-timeout';

export interface RealtimeTestServerOptions {
  /** The (migrated) database the server reads changes from and runs RPCs against, as a superuser. */
  readonly databaseUrl: string;
  /** The key that acts as `service_role`. Any non-empty string. */
  readonly serviceRoleKey: string;
  /** The key that acts as `anon`; without it only the service-role key is accepted. */
  readonly anonKey?: string;
  /** The readiness gap: join reply -> "Subscribed to PostgreSQL". Default 50 ms (1-3 s on Supabase). */
  readonly subscribeDelayMs?: number;
  /** A socket that sends nothing for this long is closed. Default 60 s, as on Supabase. */
  readonly idleTimeoutMs?: number;
  /** Tables whose change trigger is installed at start. Default `public.agent_messages`; others on first use. */
  readonly watchTables?: readonly string[];
  /** Per-statement timeout of the server's database connections. Default 10 s. */
  readonly statementTimeoutMs?: number;
}

const WEBSOCKET_PATHS = ['/realtime/v1/websocket', '/socket/websocket'];
const STOP_TIMEOUT_MS = 5_000;

/**
 * A protocol-faithful stand-in for a Supabase project's Realtime and PostgREST endpoints, on one
 * HTTP server at 127.0.0.1 with a random port, backed by a real Postgres database. Point
 * `createClient(server.url, key, { realtime: { transport: WebSocket } })` at it.
 *
 * @example
 * const server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: 'service-key' });
 * const supabase = createClient(server.url, 'service-key', {
 *   realtime: { transport: WebSocket },
 *   auth: { persistSession: false, autoRefreshToken: false },
 * });
 * // ... subscribe, call supabase.rpc(...), inject faults: server.dropSockets()
 * await server.stop();
 */
export class RealtimeTestServer {
  private readonly frameLog = new FrameLog();
  private readonly stats: RealtimeCounters = zeroCounters();
  private readonly connections = new Set<PhoenixConnection>();
  private readonly faults: FaultInjection;
  private readonly keys: ApiKeyRing;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly http: Server;
  private bindingIds = 10_000_000 + Math.floor(Math.random() * 1_000_000);
  private connectionIds = 0;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: RealtimeTestServerOptions,
    private readonly pool: Pool,
    private readonly feed: PostgresChangesFeed,
  ) {
    this.keys = new ApiKeyRing(options);
    this.faults = new FaultInjection(options.subscribeDelayMs ?? 50);
    const rpc = new PostgrestRpcHandler(pool, this.keys, this.stats);
    const tables = new PostgrestTableHandler(pool, this.keys);
    this.http = createServer((req, res) => {
      this.route(req, res, rpc, tables).catch((error: unknown) => {
        if (!res.headersSent) writeJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
      });
    });
    this.http.requestTimeout = 15_000;
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  static async start(options: RealtimeTestServerOptions): Promise<RealtimeTestServer> {
    const pool = new Pool({
      connectionString: options.databaseUrl,
      max: 6,
      connectionTimeoutMillis: 5_000,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      application_name: 'realtime-test-server',
    });
    // An idle connection dies with its database (a restart); the next checkout opens a new one.
    pool.on('error', () => undefined);
    let feed: PostgresChangesFeed | undefined;
    try {
      feed = await PostgresChangesFeed.start({
        databaseUrl: options.databaseUrl,
        pool,
        watchTables: options.watchTables ?? ['public.agent_messages'],
      });
      const server = new RealtimeTestServer(options, pool, feed);
      await server.listen();
      return server;
    } catch (error) {
      await feed?.stop();
      await pool.end();
      throw error;
    }
  }

  /** `http://127.0.0.1:<port>`, the project URL to give `createClient`. */
  get url(): string {
    const address = this.http.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Every frame in both directions, oldest first. */
  get frames(): readonly FrameRecord[] {
    return this.frameLog.all;
  }

  /** A copy of the counters at this moment. */
  get counters(): Readonly<RealtimeCounters> {
    return { ...this.stats };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Errors the change feed met (a failed row fetch, a lost LISTEN connection). */
  get feedErrors(): readonly Error[] {
    return this.feed.errors;
  }

  /** Resolves with the first frame, logged at or after index `from`, that matches. */
  waitForFrame(predicate: (frame: FrameRecord) => boolean, timeoutMs = 5_000, from = 0): Promise<FrameRecord> {
    return this.frameLog.waitFor(predicate, timeoutMs, from);
  }

  clearFrames(): void {
    this.frameLog.clear();
  }

  /** Closes every socket abruptly (no close frame). Returns how many were open. */
  dropSockets(): number {
    const count = this.connections.size;
    for (const connection of this.connections) connection.terminate();
    return count;
  }

  /** The next `count` joins get an error reply with `reason` (the client reports CHANNEL_ERROR). */
  failNextJoins(
    count: number,
    reason = 'UnableToConnectToProject: Realtime was unable to connect to the project database',
  ): void {
    this.faults.failNextJoins(count, reason);
  }

  /** The next `count` joins get no reply (the client reports TIMED_OUT after its `timeout`). */
  ignoreNextJoins(count: number): void {
    this.faults.ignoreNextJoins(count);
  }

  /**
   * Sends a `system` error with extension "system", then `phx_close`, on every channel with this
   * name (with or without the `realtime:` prefix). Returns how many channels it closed.
   */
  systemErrorThenClose(channel: string, message = 'Too many messages per second'): number {
    let closed = 0;
    for (const connection of this.connections) closed += connection.shutDownChannel(channel, message);
    return closed;
  }

  stopHeartbeatReplies(): void {
    this.faults.stopHeartbeatReplies();
  }

  resumeHeartbeatReplies(): void {
    this.faults.resumeHeartbeatReplies();
  }

  /** While on, change frames carry binding ids no client binding has; clients must drop them. */
  sendForeignBindingIds(enabled: boolean): void {
    this.faults.sendForeignBindingIds(enabled);
  }

  /** The readiness gap for joins from now on. */
  setSubscribeDelay(ms: number): void {
    this.faults.setSubscribeDelay(ms);
  }

  /** Closes sockets and the HTTP server, removes the change trigger and closes database connections. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await withTimeout(closed, STOP_TIMEOUT_MS, 'Closing the HTTP server');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.feed.stop();
    await withTimeout(this.pool.end(), STOP_TIMEOUT_MS, 'Closing the database pool');
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(0, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    rpc: PostgrestRpcHandler,
    tables: PostgrestTableHandler,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/rest/v1/rpc/')) {
      await rpc.handle(req, res, url);
      return;
    }
    if (/^\/rest\/v1\/[^/]+$/.test(url.pathname)) {
      await tables.handle(req, res, url);
      return;
    }
    if (url.pathname.startsWith('/rest/v1/')) {
      await rpc.handle(req, res, url);
      return;
    }
    writeJson(res, 404, { error: `The Realtime test server serves no ${url.pathname}` });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refuse = (status: number, error: string): void => {
      this.stats.handshakesRefused += 1;
      refuseUpgrade(socket, status, { error });
    };
    if (this.stopping) return refuse(503, 'Realtime is restarting, please standby');
    if (!WEBSOCKET_PATHS.includes(url.pathname)) return refuse(404, `No WebSocket endpoint at ${url.pathname}`);
    const apikey = url.searchParams.get('apikey') ?? headerOf(req, 'apikey');
    if (!apikey) return refuse(401, 'No api key provided: pass the apikey query parameter or header');
    const role = this.keys.roleOf(apikey);
    if (!role) return refuse(401, 'Invalid API key: the key is not one this project issued');
    const vsn = url.searchParams.get('vsn') ?? '1.0.0';
    if (!isPhoenixVsn(vsn)) return refuse(400, `Unsupported serializer version vsn=${vsn}; use 1.0.0 or 2.0.0`);

    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      this.connectionIds += 1;
      const connection = new PhoenixConnection(this.connectionIds, ws, vsn, role, {
        keys: this.keys,
        faults: this.faults,
        feed: this.feed,
        frames: this.frameLog,
        counters: this.stats,
        idleTimeoutMs: this.options.idleTimeoutMs ?? 60_000,
        nextBindingId: () => (this.bindingIds += 1),
      });
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
      connection.attach();
    });
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
