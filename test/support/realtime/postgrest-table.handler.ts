import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { ApiKeyRing, DatabaseRole } from './api-key-ring';
import { writeJson } from './json-response';
import { FilterSyntaxError, filterSql, parseFilter, quoteIdent, type FilterColumn } from './postgres-changes-filter';
import { isDatabaseError, postgrestErrorFromDatabase, PostgrestResponseError } from './postgrest-error';
import { inRoleTransaction } from './role-transaction';

const EXPOSED_SCHEMA = 'public';
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'apikey']);

/**
 * The read side of PostgREST's table endpoint, enough for supabase-js
 * `.from(table).select('a,b').eq(...).like(...).order(...).range(from, to)`: plain column lists,
 * the filter operators of `postgres-changes-filter` (with `*` as the like wildcard), `order`,
 * `limit` and `offset`. The query runs as the key's role, so grants and RLS decide what is seen.
 */
export class PostgrestTableHandler {
  constructor(
    private readonly pool: Pool,
    private readonly keys: ApiKeyRing,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      await this.respond(req, res, url);
    } catch (error) {
      if (error instanceof PostgrestResponseError) {
        writeJson(res, error.status, error.body, error.headers);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      writeJson(res, 500, { code: 'PGRSTX00', message, details: null, hint: null });
    }
  }

  private async respond(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if ((req.method ?? 'GET') !== 'GET') {
      throw new PostgrestResponseError(405, {
        code: 'PGRST101',
        message: `The Realtime test server reads tables only; ${req.method} is not implemented`,
        details: null,
        hint: null,
      });
    }
    const role = this.authenticate(req);
    const table = decodeURIComponent(url.pathname.slice('/rest/v1/'.length));
    const columns = await this.columnsOf(table);
    const params: unknown[] = [];
    const selected = this.selectList(url.searchParams.get('select') ?? '*', columns);
    const conditions: string[] = [];
    for (const [key, value] of url.searchParams) {
      if (RESERVED.has(key)) continue;
      const parsed = this.parse(`${key}=${value}`);
      const wildcarded = parsed.map((condition) =>
        condition.operator === 'like' || condition.operator === 'ilike'
          ? { ...condition, values: condition.values.map((text) => text.replace(/\*/g, '%')) }
          : condition,
      );
      conditions.push(this.sql(() => filterSql(wildcarded, columns, params)));
    }
    const order = this.orderBy(url.searchParams.get('order'), columns);
    const limit = integerParam(url.searchParams.get('limit'));
    const offset = integerParam(url.searchParams.get('offset'));
    const sql = `select coalesce(json_agg(_r), '[]'::json)::text as body from (
        select ${selected} from ${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(table)} t
        where ${conditions.length === 0 ? 'true' : conditions.join(' and ')}
        ${order} ${limit === undefined ? '' : `limit ${limit}`} ${offset === undefined ? '' : `offset ${offset}`}
      ) _r`;
    let body: string;
    try {
      body = await inRoleTransaction(
        this.pool,
        role,
        async (client) => (await client.query<{ body: string }>(sql, params)).rows[0].body,
        { readOnly: true },
      );
    } catch (error) {
      if (isDatabaseError(error)) throw postgrestErrorFromDatabase(error, role !== 'anon');
      throw error;
    }
    const rows = JSON.parse(body) as unknown[];
    const first = offset ?? 0;
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Content-Range': rows.length === 0 ? '*/*' : `${first}-${first + rows.length - 1}/*`,
    });
    res.end(body);
  }

  private authenticate(req: IncomingMessage): DatabaseRole {
    const apikey = header(req, 'apikey');
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    const role = this.keys.roleOf(bearer ?? apikey);
    if (!role || !this.keys.roleOf(apikey)) {
      throw new PostgrestResponseError(401, { message: 'Invalid API key', hint: 'Double check your API key.' });
    }
    return role;
  }

  private async columnsOf(table: string): Promise<Map<string, FilterColumn>> {
    const { rows } = await this.pool.query<{ name: string; sql_type: string }>(
      `select a.attname::text as name,
              format_type(case when t.typtype = 'd' then t.typbasetype else a.atttypid end, null) as sql_type
       from pg_catalog.pg_attribute a
       join pg_catalog.pg_class c on c.oid = a.attrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_type t on t.oid = a.atttypid
       where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped
       order by a.attnum`,
      [EXPOSED_SCHEMA, table],
    );
    if (rows.length === 0) {
      throw new PostgrestResponseError(404, {
        code: 'PGRST205',
        message: `Could not find the table '${EXPOSED_SCHEMA}.${table}' in the schema cache`,
        details: null,
        hint: null,
      });
    }
    return new Map(rows.map((row) => [row.name, { name: row.name, sqlType: row.sql_type }]));
  }

  private selectList(select: string, columns: ReadonlyMap<string, FilterColumn>): string {
    if (select.trim() === '*') return 't.*';
    return select
      .split(',')
      .map((name) => name.trim())
      .map((name) => {
        if (!columns.has(name)) throw badRequest('42703', `column t.${name} does not exist`);
        return `t.${quoteIdent(name)}`;
      })
      .join(', ');
  }

  private orderBy(order: string | null, columns: ReadonlyMap<string, FilterColumn>): string {
    if (!order) return '';
    const terms = order.split(',').map((term) => {
      const [name, direction = 'asc'] = term.trim().split('.');
      if (!columns.has(name) || !['asc', 'desc'].includes(direction)) {
        throw badRequest('PGRST100', `"failed to parse order (${order})"`);
      }
      return `t.${quoteIdent(name)} ${direction}`;
    });
    return `order by ${terms.join(', ')}`;
  }

  private parse(filter: string): ReturnType<typeof parseFilter> {
    return this.sql(() => parseFilter(filter));
  }

  private sql<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw badRequest('PGRST100', error.message);
      throw error;
    }
  }
}

function badRequest(code: string, message: string): PostgrestResponseError {
  return new PostgrestResponseError(400, { code, message, details: null, hint: null });
}

function integerParam(value: string | null): number | undefined {
  if (value === null) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw badRequest('PGRST100', `"${value}" is not a row count`);
  return parsed;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
