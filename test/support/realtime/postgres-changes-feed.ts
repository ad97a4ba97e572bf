import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { DatabaseRole } from './api-key-ring';
import {
  FilterSyntaxError,
  filterSql,
  parseFilter,
  quoteIdent,
  type FilterColumn,
  type FilterCondition,
} from './postgres-changes-filter';
import { inRoleTransaction } from './role-transaction';
import { withTimeout } from './with-timeout';

/** A postgres_changes binding as the client sent it, with the id the join reply gave it. */
export interface ChangeBinding {
  readonly id: number;
  readonly event: string;
  readonly schema: string;
  readonly table: string;
  readonly filter?: string;
}

export interface ChangeColumn {
  readonly name: string;
  readonly type: string;
}

/** The `data` of a postgres_changes frame, shaped like realtime's `NewRecord`. */
export interface ChangeData {
  readonly schema: string;
  readonly table: string;
  readonly type: string;
  readonly commit_timestamp: string | null;
  readonly columns: readonly ChangeColumn[];
  readonly record: Record<string, unknown>;
  readonly errors: string[] | null;
}

/** A channel that wants change events; the feed calls `deliver` once per change it may see. */
export interface ChangeSubscriber {
  readonly role: DatabaseRole;
  readonly bindings: readonly ChangeBinding[];
  /** False once the channel left or closed: a subscription still in its readiness gap is dropped. */
  readonly active: boolean;
  deliver(ids: readonly number[], data: ChangeData): void;
}

/** The subscription parameters cannot work (unknown table or column, bad filter). */
export class SubscriptionRejectedError extends Error {
  override readonly name = 'SubscriptionRejectedError';
}

export interface PostgresChangesFeedOptions {
  readonly databaseUrl: string;
  readonly pool: Pool;
  /** `schema.table` names to install the change trigger on at start, before any subscription. */
  readonly watchTables: readonly string[];
}

interface TableColumn extends FilterColumn {
  /** pg_type.typname, as realtime reports column types (`uuid`, `jsonb`, `timestamptz`, `int8`…). */
  readonly type: string;
  readonly isPk: boolean;
}

interface TableShape {
  readonly schema: string;
  readonly table: string;
  readonly relid: string;
  readonly qualified: string;
  readonly columns: readonly TableColumn[];
  readonly byName: ReadonlyMap<string, TableColumn>;
}

interface ParsedBinding {
  readonly id: number;
  readonly event: string;
  readonly schema: string;
  readonly table: string;
  readonly conditions: readonly FilterCondition[];
}

interface LiveSubscription {
  readonly snapshot: TransactionSnapshot;
  readonly bindings: readonly ParsedBinding[];
  readonly callbacks: SubscriptionCallbacks;
}

/** What the feed tells a subscription's channel: it went live, or it lost the database. */
export interface SubscriptionCallbacks {
  /** Sends "Subscribed to PostgreSQL"; called again after every resubscribe. */
  readonly onLive: () => void;
  /** The database connection was lost: no changes until the next `onLive`. */
  readonly onLost?: (reason: string) => void;
}

interface ChangeNotice {
  readonly schema: string;
  readonly table: string;
  readonly type: string;
  readonly xid: string;
  readonly pk: Record<string, unknown> | null;
}

const EVENTS = ['INSERT', 'UPDATE', 'DELETE', '*'];
const MAX_RECORD_BYTES = 1024 * 1024;
const STOP_TIMEOUT_MS = 5_000;
const RELISTEN_DELAY_MS = 200;

/**
 * Change events from real inserts. A test-only AFTER INSERT trigger sends the new row's primary
 * key and transaction id over NOTIFY; one LISTEN connection receives them and, in commit order,
 * fetches the row as each subscriber's role (grants and RLS apply, as in realtime's `apply_rls`)
 * and evaluates its filters in SQL.
 *
 * A subscription goes live at a snapshot: a change whose transaction that snapshot already sees
 * was committed before the "Subscribed to PostgreSQL" message and is not delivered, exactly the
 * readiness gap of real Supabase. Only INSERT is produced; UPDATE and DELETE bindings are accepted
 * and never fire.
 *
 * When the LISTEN connection is lost (a Postgres restart), every live subscription is told so
 * (a postgres_changes error, as Realtime reports it) and changes stop; the feed reconnects, and
 * each subscription still open resubscribes at a new snapshot and gets "Subscribed to PostgreSQL"
 * again. Changes committed in between are never delivered, as with Realtime.
 */
export class PostgresChangesFeed {
  private readonly id = randomBytes(4).toString('hex');
  private readonly channel = `realtime_test_${this.id}`;
  private readonly triggerFunction = `public.${quoteIdent(`realtime_test_notify_${this.id}`)}`;
  private readonly pool: Pool;
  private readonly databaseUrl: string;
  private listener: Client;
  private relistenTimer: NodeJS.Timeout | undefined;
  /** Subscriptions that were live when the database went away, waiting to resubscribe. */
  private readonly suspended = new Map<ChangeSubscriber, SubscriptionCallbacks>();
  private readonly shapes = new Map<string, Promise<TableShape>>();
  private readonly watched = new Map<string, Promise<void>>();
  private readonly live = new Map<ChangeSubscriber, LiveSubscription>();
  private readonly failures: Error[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  private constructor(options: PostgresChangesFeedOptions) {
    this.pool = options.pool;
    this.databaseUrl = options.databaseUrl;
    this.listener = this.newListener();
  }

  static async start(options: PostgresChangesFeedOptions): Promise<PostgresChangesFeed> {
    const feed = new PostgresChangesFeed(options);
    try {
      await feed.open(options.watchTables);
    } catch (error) {
      await feed.stop();
      throw error;
    }
    return feed;
  }

  /** Errors met while turning notifications into change events (a test can assert there were none). */
  get errors(): readonly Error[] {
    return this.failures;
  }

  /**
   * Validates the bindings, makes sure their tables are watched, takes the go-live snapshot and
   * calls `onLive` (which sends "Subscribed to PostgreSQL") inside the feed's serial queue, so no
   * change can overtake that message. Rejects with SubscriptionRejectedError for bad parameters.
   */
  subscribe(subscriber: ChangeSubscriber, callbacks: SubscriptionCallbacks): Promise<void> {
    return this.serially(async () => {
      if (this.stopped || !subscriber.active) return;
      const bindings = await this.parseBindings(subscriber.bindings);
      for (const binding of bindings) await this.watch(binding.schema, binding.table);
      const { rows } = await this.pool.query<{ snapshot: string }>('select pg_current_snapshot()::text as snapshot');
      if (this.stopped || !subscriber.active) return;
      this.live.set(subscriber, { snapshot: TransactionSnapshot.parse(rows[0].snapshot), bindings, callbacks });
      callbacks.onLive();
    });
  }

  unsubscribe(subscriber: ChangeSubscriber): void {
    this.live.delete(subscriber);
    this.suspended.delete(subscriber);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.relistenTimer);
    this.live.clear();
    this.suspended.clear();
    await withTimeout(
      this.tail.catch(() => undefined),
      STOP_TIMEOUT_MS,
      'Draining the change queue',
    ).catch((error: unknown) => this.failures.push(asError(error)));
    await withTimeout(this.listener.end(), STOP_TIMEOUT_MS, 'Closing the LISTEN connection').catch((error: unknown) =>
      this.failures.push(asError(error)),
    );
    await withTimeout(
      this.pool.query(`drop function if exists ${this.triggerFunction}() cascade`),
      STOP_TIMEOUT_MS,
      'Dropping the change trigger',
    ).catch((error: unknown) => this.failures.push(asError(error)));
  }

  private async open(watchTables: readonly string[]): Promise<void> {
    await this.listen(this.listener);
    await this.pool.query(`
      create function ${this.triggerFunction}() returns trigger
        language plpgsql set search_path = pg_catalog
        as $fn$
      begin
        perform pg_notify(${quoteLiteral(this.channel)}, json_build_object(
          'schema', tg_table_schema,
          'table', tg_table_name,
          'type', tg_op,
          'xid', pg_current_xact_id()::text,
          'pk', (select json_object_agg(k, to_jsonb(new) -> k) from unnest(tg_argv) as k))::text);
        return null;
      end
      $fn$`);
    for (const name of watchTables) {
      const [schema, table] = name.includes('.') ? name.split('.', 2) : ['public', name];
      await this.watch(schema, table);
    }
  }

  private newListener(): Client {
    return new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: 5_000,
      application_name: 'realtime-test-server',
    });
  }

  /** Connects `listener` and LISTENs; once it is gone, suspends every subscription and reconnects. */
  private async listen(listener: Client): Promise<void> {
    let lost = false;
    const lose = (reason: string): void => {
      if (lost || this.stopped) return;
      lost = true;
      this.loseDatabase(reason);
    };
    listener.on('error', (error) => {
      this.failures.push(error);
      lose(error.message);
    });
    listener.on('end', () => lose('the LISTEN connection ended'));
    listener.on('notification', (notification) => {
      if (notification.channel !== this.channel || notification.payload === undefined) return;
      const payload = notification.payload;
      const receivedAt = new Date();
      this.serially(() => this.publish(payload, receivedAt)).catch((error: unknown) =>
        this.failures.push(asError(error)),
      );
    });
    await listener.connect();
    await listener.query(`listen ${quoteIdent(this.channel)}`);
  }

  private loseDatabase(reason: string): void {
    for (const [subscriber, subscription] of this.live) {
      this.suspended.set(subscriber, subscription.callbacks);
      subscription.callbacks.onLost?.(`Realtime lost the connection to the database: ${reason}`);
    }
    this.live.clear();
    this.scheduleRelisten();
  }

  private scheduleRelisten(): void {
    if (this.stopped) return;
    clearTimeout(this.relistenTimer);
    this.relistenTimer = setTimeout(() => void this.relisten(), RELISTEN_DELAY_MS);
  }

  private async relisten(): Promise<void> {
    if (this.stopped) return;
    const listener = this.newListener();
    try {
      await this.listen(listener);
    } catch {
      await listener.end().catch(() => undefined);
      this.scheduleRelisten();
      return;
    }
    this.listener = listener;
    if (this.stopped) {
      await listener.end().catch(() => undefined);
      return;
    }
    this.resubscribeSuspended();
  }

  /** Resubscribes what was live before the loss; what the database refuses is retried shortly. */
  private resubscribeSuspended(): void {
    const waiting = [...this.suspended];
    this.suspended.clear();
    for (const [subscriber, callbacks] of waiting) {
      if (!subscriber.active) continue;
      this.subscribe(subscriber, callbacks).catch((error: unknown) => {
        if (this.stopped || !subscriber.active) return;
        this.failures.push(asError(error));
        this.suspended.set(subscriber, callbacks);
        clearTimeout(this.relistenTimer);
        this.relistenTimer = setTimeout(() => this.resubscribeSuspended(), RELISTEN_DELAY_MS);
      });
    }
  }

  /** Runs tasks one at a time, in the order they were queued (notifications arrive in commit order). */
  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private watch(schema: string, table: string): Promise<void> {
    const key = `${schema}.${table}`;
    let watching = this.watched.get(key);
    if (!watching) {
      watching = this.installTrigger(schema, table);
      this.watched.set(key, watching);
      watching.catch(() => this.watched.delete(key));
    }
    return watching;
  }

  private async installTrigger(schema: string, table: string): Promise<void> {
    const shape = await this.describe(schema, table);
    const pk = shape.columns.filter((column) => column.isPk).map((column) => quoteLiteral(column.name));
    await this.pool.query(
      `create trigger ${quoteIdent(`realtime_test_${this.id}`)} after insert on ${shape.qualified}
         for each row execute function ${this.triggerFunction}(${pk.join(', ')})`,
    );
  }

  private describe(schema: string, table: string): Promise<TableShape> {
    const key = `${schema}.${table}`;
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = this.loadShape(schema, table);
      this.shapes.set(key, shape);
      shape.catch(() => this.shapes.delete(key));
    }
    return shape;
  }

  private async loadShape(schema: string, table: string): Promise<TableShape> {
    const { rows } = await this.pool.query<{
      relid: string;
      name: string;
      type: string;
      sql_type: string;
      is_pk: boolean;
    }>(
      `select c.oid::text as relid, a.attname::text as name, t.typname::text as type,
              format_type(case when t.typtype = 'd' then t.typbasetype else a.atttypid end, null) as sql_type,
              coalesce(a.attnum = any (i.indkey::int2[]), false) as is_pk
       from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_catalog.pg_type t on t.oid = a.atttypid
       left join pg_catalog.pg_index i on i.indrelid = c.oid and i.indisprimary
       where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')
       order by a.attnum`,
      [schema, table],
    );
    if (rows.length === 0) throw new SubscriptionRejectedError(`Table ${schema}.${table} does not exist`);
    const columns = rows.map((row) => ({ name: row.name, type: row.type, sqlType: row.sql_type, isPk: row.is_pk }));
    return {
      schema,
      table,
      relid: rows[0].relid,
      qualified: `${quoteIdent(schema)}.${quoteIdent(table)}`,
      columns,
      byName: new Map(columns.map((column) => [column.name, column])),
    };
  }

  private async parseBindings(bindings: readonly ChangeBinding[]): Promise<ParsedBinding[]> {
    const parsed: ParsedBinding[] = [];
    for (const binding of bindings) {
      const rejected = (reason: string): SubscriptionRejectedError =>
        new SubscriptionRejectedError(
          'Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the ' +
            `given connect parameters: [event: ${binding.event}, schema: ${binding.schema}, ` +
            `table: ${binding.table}, filter: ${binding.filter ?? ''}] (${reason})`,
        );
      if (!EVENTS.includes(binding.event)) throw rejected(`event must be one of ${EVENTS.join(', ')}`);
      if (!binding.schema || !binding.table || binding.schema === '*' || binding.table === '*') {
        throw rejected('the test server needs an explicit schema and table');
      }
      const shape = await this.describe(binding.schema, binding.table).catch((error: unknown) => {
        throw rejected(asError(error).message);
      });
      const conditions = conditionsOf(binding.filter, shape);
      if (conditions instanceof FilterSyntaxError) throw rejected(conditions.message);
      await this.checkFilterValues(conditions, shape).catch((error: unknown) => {
        throw rejected(asError(error).message);
      });
      parsed.push({ id: binding.id, event: binding.event, schema: binding.schema, table: binding.table, conditions });
    }
    return parsed;
  }

  /** Realtime casts each filter value to the column type when it subscribes; a bad value fails there. */
  private async checkFilterValues(conditions: readonly FilterCondition[], shape: TableShape): Promise<void> {
    for (const condition of conditions) {
      if (['like', 'ilike', 'match', 'imatch', 'is'].includes(condition.operator)) continue;
      const column = shape.byName.get(condition.column);
      if (!column) continue;
      if (condition.operator === 'in') {
        await this.pool.query(`select $1::${column.sqlType}[]`, [condition.values]);
      } else {
        await this.pool.query(`select $1::${column.sqlType}`, [condition.values[0]]);
      }
    }
  }

  private async publish(payload: string, receivedAt: Date): Promise<void> {
    if (this.stopped) return;
    const notice = JSON.parse(payload) as ChangeNotice;
    const xid = BigInt(notice.xid);
    const interested: Array<{ subscriber: ChangeSubscriber; bindings: ParsedBinding[] }> = [];
    for (const [subscriber, subscription] of this.live) {
      if (!subscriber.active || subscription.snapshot.sees(xid)) continue;
      const bindings = subscription.bindings.filter(
        (binding) =>
          binding.schema === notice.schema &&
          binding.table === notice.table &&
          (binding.event === '*' || binding.event === notice.type),
      );
      if (bindings.length > 0) interested.push({ subscriber, bindings });
    }
    if (interested.length === 0) return;
    const shape = await this.describe(notice.schema, notice.table);
    const roles = new Set(interested.map((entry) => entry.subscriber.role));
    for (const role of roles) {
      await this.publishAs(
        role,
        shape,
        notice,
        receivedAt,
        interested.filter((entry) => entry.subscriber.role === role),
      );
    }
  }

  private async publishAs(
    role: DatabaseRole,
    shape: TableShape,
    notice: ChangeNotice,
    receivedAt: Date,
    entries: ReadonlyArray<{ subscriber: ChangeSubscriber; bindings: ParsedBinding[] }>,
  ): Promise<void> {
    const recordless = (error: string): ChangeData => ({
      schema: shape.schema,
      table: shape.table,
      type: notice.type,
      commit_timestamp: null,
      columns: [],
      record: {},
      errors: [error],
    });
    const pk = shape.columns.filter((column) => column.isPk);
    if (pk.length === 0 || notice.pk === null) {
      for (const entry of entries)
        this.deliver(entry.subscriber, entry.bindings, recordless('Error 400: Bad Request, no primary key'));
      return;
    }
    const { rows: privileges } = await this.pool.query<{ selectable: string[] }>(
      `select coalesce(array_agg(a.attname::text order by a.attnum)
                filter (where has_column_privilege($1::name, a.attrelid, a.attnum, 'SELECT')), '{}') as selectable
       from pg_catalog.pg_attribute a
       where a.attrelid = $2::oid and a.attnum > 0 and not a.attisdropped`,
      [role, shape.relid],
    );
    const selectable = new Set(privileges[0]?.selectable ?? []);
    if (!pk.every((column) => selectable.has(column.name))) {
      for (const entry of entries)
        this.deliver(entry.subscriber, entry.bindings, recordless('Error 401: Unauthorized'));
      return;
    }
    const columns = shape.columns.filter((column) => selectable.has(column.name));
    const params: unknown[] = [JSON.stringify(notice.pk)];
    const tests: Array<{ subscriber: ChangeSubscriber; binding: ParsedBinding; alias: string }> = [];
    const projections = [`${recordSql(columns)} as record`];
    for (const entry of entries) {
      for (const binding of entry.bindings) {
        const alias = `f${tests.length}`;
        projections.push(`(${filterSql(binding.conditions, shape.byName, params)}) as ${alias}`);
        tests.push({ subscriber: entry.subscriber, binding, alias });
      }
    }
    const sql = `select ${projections.join(', ')}
      from ${shape.qualified} t
      where ${pk
        .map(
          (column) => `t.${quoteIdent(column.name)} = ($1::jsonb ->> ${quoteLiteral(column.name)})::${column.sqlType}`,
        )
        .join(' and ')}`;
    const rows = await inRoleTransaction(this.pool, role, async (client) => {
      const result = await client.query<Record<string, unknown> & { record: Record<string, unknown> }>(sql, params);
      return result.rows;
    });
    // No row: RLS hides it from this role (or it is already gone), so this role sees nothing.
    const row = rows[0];
    if (!row) return;
    const data = sizedChange({
      schema: shape.schema,
      table: shape.table,
      type: notice.type,
      commit_timestamp: receivedAt.toISOString(),
      columns: columns.map((column) => ({ name: column.name, type: column.type })),
      record: row.record,
      errors: null,
    });
    for (const entry of entries) {
      const ids = tests
        .filter((test) => test.subscriber === entry.subscriber && row[test.alias] === true)
        .map((test) => test.binding);
      if (ids.length > 0) this.deliver(entry.subscriber, ids, data);
    }
  }

  private deliver(subscriber: ChangeSubscriber, bindings: readonly ParsedBinding[], data: ChangeData): void {
    if (!subscriber.active || !this.live.has(subscriber)) return;
    subscriber.deliver(
      bindings.map((binding) => binding.id),
      data,
    );
  }
}

/** `pg_current_snapshot()`: which transactions had committed when a subscription went live. */
class TransactionSnapshot {
  private constructor(
    private readonly xmin: bigint,
    private readonly xmax: bigint,
    private readonly inProgress: ReadonlySet<bigint>,
  ) {}

  static parse(text: string): TransactionSnapshot {
    const [xmin, xmax, xip] = text.split(':');
    const inProgress = new Set((xip ?? '').split(',').filter(Boolean).map(BigInt));
    return new TransactionSnapshot(BigInt(xmin), BigInt(xmax), inProgress);
  }

  /** True when `xid` had committed (or aborted) before the snapshot: its changes predate it. */
  sees(xid: bigint): boolean {
    return xid < this.xmin || (xid < this.xmax && !this.inProgress.has(xid));
  }
}

/** The parsed filter, checked against the table's columns, or why it cannot work. */
function conditionsOf(filter: string | undefined, shape: TableShape): FilterCondition[] | FilterSyntaxError {
  try {
    const conditions = parseFilter(filter);
    filterSql(conditions, shape.byName, []);
    return conditions;
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
}

/** The selectable columns as one jsonb object (jsonb_build_object takes at most 100 arguments). */
function recordSql(columns: readonly TableColumn[]): string {
  const chunks: string[] = [];
  for (let i = 0; i < columns.length; i += 40) {
    const pairs = columns
      .slice(i, i + 40)
      .map((column) => `${quoteLiteral(column.name)}, t.${quoteIdent(column.name)}`)
      .join(', ');
    chunks.push(`jsonb_build_object(${pairs})`);
  }
  return chunks.length === 0 ? "'{}'::jsonb" : chunks.join(' || ');
}

/** Over 1 MB, realtime keeps only fields of 64 bytes or less and says so in `errors`. */
function sizedChange(data: ChangeData): ChangeData {
  if (Buffer.byteLength(JSON.stringify(data.record)) <= MAX_RECORD_BYTES) return data;
  const record = Object.fromEntries(
    Object.entries(data.record).filter(([, value]) => Buffer.byteLength(JSON.stringify(value) ?? '') <= 64),
  );
  return { ...data, record, errors: ['Error 413: Payload Too Large'] };
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
