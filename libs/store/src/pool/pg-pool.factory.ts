import { Pool, type PoolConfig } from 'pg';

export interface PgPoolOptions {
  readonly connectionString: string;
  /** Shown in pg_stat_activity, so a connection can be traced to its agent. */
  readonly applicationName?: string;
  readonly max?: number;
  /** Every call has a timeout: connecting, and each statement on the server. */
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/**
 * A `pg` pool with timeouts on every external call. An idle client's error (a restarted
 * server, a terminated backend) is absorbed: the pool drops that client and makes a new one on
 * the next checkout, so it never crashes the process.
 */
export function createPgPool(options: PgPoolOptions): Pool {
  const config: PoolConfig = {
    connectionString: options.connectionString,
    application_name: options.applicationName ?? 'cogo',
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    query_timeout: (options.statementTimeoutMs ?? 30_000) + 5_000,
    idle_in_transaction_session_timeout: 60_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  };
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  return pool;
}

/** The connection string with its password masked, for logs and error messages. */
export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return connectionString.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
