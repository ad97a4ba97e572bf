import postgres from 'postgres';
import type { DatabaseConfig } from './config.ts';
import type { IntakeMessage } from './intake-message.ts';

/** What `bus_send` did with the message. */
export interface EnqueueResult {
  readonly messageId: string;
  /** True when the idempotency key was seen before: nothing new was enqueued. */
  readonly duplicate: boolean;
  /** The trace and span of the message on the bus: the first request's for a duplicate. */
  readonly traceId: string;
  readonly spanId: string;
}

export interface BusSender {
  enqueue(message: IntakeMessage): Promise<EnqueueResult>;
  /** Closes the connections; in-flight calls finish first. */
  close(): Promise<void>;
}

/** Any failure to enqueue: the caller may retry. Its message is for logs, never for the caller. */
export class BusUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BusUnavailableError';
  }
}

interface SendRow {
  id: string;
  duplicate: boolean;
}

interface TraceRow {
  trace_id: string;
  span_id: string;
}

/**
 * Enqueues through `public.bus_send`, the one SQL function both Node drivers call too, so the
 * idempotency and wake-up semantics live in one place.
 *
 * The connection is made as the user of `SUPABASE_DB_URL` (`postgres` on Supabase), which owns the
 * bus functions and tables through the migrations, so it may call them although only service_role
 * is granted EXECUTE. `set local role service_role` would narrow the privileges, but it needs a
 * transaction (two more round trips per request) and a membership the URL's user need not have.
 *
 * Every call is bounded by `timeoutMs`: on expiry the query is cancelled on the server and the
 * caller gets a BusUnavailableError. `prepare: false` keeps it usable through a transaction-mode
 * pooler (Supavisor on port 6543).
 */
export function createBusSender(config: DatabaseConfig): BusSender {
  const sql = postgres(config.url, {
    max: 3,
    prepare: false,
    connect_timeout: Math.max(1, Math.ceil(config.timeoutMs / 1000)),
    idle_timeout: 20,
    connection: { application_name: 'agent-ingress' },
    onnotice: () => undefined,
  });

  return {
    async enqueue(message) {
      // A JSON parameter: a string would be sent as a JSON string scalar, not as the array.
      const batch = sql.json([message] as unknown as postgres.JSONValue);
      const [sent] = await bounded(
        sql<SendRow[]>`select s.id, s.duplicate from public.bus_send(${batch}::jsonb) s`,
        config.timeoutMs,
        'bus_send',
      );
      if (!sent) throw new BusUnavailableError('bus_send returned no row');
      if (!sent.duplicate) {
        return { messageId: sent.id, duplicate: false, traceId: message.trace_id, spanId: message.span_id };
      }
      const [first] = await bounded(
        sql<TraceRow[]>`select trace_id, span_id from public.agent_messages where id = ${sent.id}`,
        config.timeoutMs,
        'duplicate lookup',
      );
      return {
        messageId: sent.id,
        duplicate: true,
        traceId: first?.trace_id ?? message.trace_id,
        spanId: first?.span_id ?? message.span_id,
      };
    },
    async close() {
      await sql.end({ timeout: 2 });
    },
  };
}

async function bounded<T>(query: postgres.PendingQuery<T & postgres.Row[]>, timeoutMs: number, what: string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Cancels on the server too; the query then rejects, which nobody awaits any more.
      query.cancel();
      reject(new BusUnavailableError(`${what} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([query, expired]);
  } catch (error) {
    if (error instanceof BusUnavailableError) throw error;
    throw new BusUnavailableError(`${what} failed: ${describeDatabaseError(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Code and message only: a driver error can carry the query text and its parameters. */
export function describeDatabaseError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
