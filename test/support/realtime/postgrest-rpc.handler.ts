import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { ApiKeyRing, DatabaseRole } from './api-key-ring';
import type { RealtimeCounters } from './frame-log';
import { readBody, RequestBodyTooLargeError, writeJson } from './json-response';
import { quoteIdent } from './postgres-changes-filter';
import { isDatabaseError, postgrestErrorFromDatabase, PostgrestResponseError } from './postgrest-error';
import { inRoleTransaction } from './role-transaction';

const EXPOSED_SCHEMA = 'public';
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** One function overload as PostgREST's schema cache knows it. */
interface RoutineCandidate {
  readonly returns_set: boolean;
  /** pg_type.typtype of the return type: b(ase), c(omposite), d(omain), e(num), p(seudo), r(ange), m(ultirange). */
  readonly return_kind: string;
  readonly return_type: string;
  readonly defaults: number;
  /** Declared with OUT, INOUT or TABLE columns: PostgREST answers with objects even for one column. */
  readonly named_result: boolean;
  readonly params: ReadonlyArray<{ readonly name: string | null; readonly type: string }>;
}

type ResultShape = 'void' | 'set-of-rows' | 'set-of-values' | 'row' | 'value';

interface Caller {
  readonly role: DatabaseRole;
  /** PostgREST's "authenticated": the role is not the anonymous role. */
  readonly authenticated: boolean;
}

/**
 * The part of PostgREST the bus driver calls: `POST|GET|HEAD /rest/v1/rpc/<fn>` with named
 * arguments, answered like PostgREST (an array for set-returning functions, an object for one
 * composite, a bare JSON value for scalars, 204 for void) and with its error bodies and statuses.
 * The call runs as the key's role (`set local role`), so grants and RLS are Postgres's to enforce.
 */
export class PostgrestRpcHandler {
  constructor(
    private readonly pool: Pool,
    private readonly keys: ApiKeyRing,
    private readonly counters: RealtimeCounters,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.counters.rpcCalls += 1;
    try {
      await this.respond(req, res, url);
    } catch (error) {
      this.counters.rpcErrors += 1;
      if (error instanceof PostgrestResponseError) {
        writeJson(res, error.status, error.body, error.headers);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      writeJson(res, 500, { code: 'PGRSTX00', message, details: null, hint: null });
    }
  }

  private async respond(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = /^\/rest\/v1\/rpc\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      throw new PostgrestResponseError(404, {
        code: 'PGRST125',
        message: 'Invalid path specified in request URL',
        details: 'The Realtime test server implements /rest/v1/rpc/<function> and reads of /rest/v1/<table>.',
        hint: null,
      });
    }
    const method = req.method ?? 'GET';
    if (!['POST', 'GET', 'HEAD'].includes(method)) {
      throw new PostgrestResponseError(405, {
        code: 'PGRST101',
        message: `Cannot use the ${method} method on RPC`,
        details: null,
        hint: null,
      });
    }
    const caller = this.authenticate(req, url);
    const readOnly = method !== 'POST';
    this.checkProfile(req, readOnly ? 'accept-profile' : 'content-profile');
    const name = decodeURIComponent(match[1]);
    const args = readOnly ? Object.fromEntries(url.searchParams) : await this.readArgs(req);
    const keys = Object.keys(args);
    const routine = await this.findRoutine(name, keys);
    const shape = resultShape(routine);

    let body: string | null;
    try {
      body = await inRoleTransaction(
        this.pool,
        caller.role,
        async (client) => {
          const { text, params } = callSql(name, routine, keys, shape, args);
          const result = await client.query<{ body: string | null }>(text, params);
          return result.rows[0]?.body ?? null;
        },
        { readOnly },
      );
    } catch (error) {
      if (isDatabaseError(error)) throw postgrestErrorFromDatabase(error, caller.authenticated);
      throw error;
    }
    this.writeResult(req, res, method, shape, body);
  }

  private authenticate(req: IncomingMessage, url: URL): Caller {
    const apikey = header(req, 'apikey') ?? url.searchParams.get('apikey');
    url.searchParams.delete('apikey');
    if (!apikey) {
      throw new PostgrestResponseError(401, {
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      });
    }
    const keyRole = this.keys.roleOf(apikey);
    if (!keyRole) {
      throw new PostgrestResponseError(401, {
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      });
    }
    const authorization = header(req, 'authorization');
    // New-style keys travel in `apikey` alone: without a bearer token the key's role applies.
    if (authorization === undefined) return { role: keyRole, authenticated: keyRole !== 'anon' };
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const role = this.keys.roleOf(token);
    if (!role) {
      throw new PostgrestResponseError(
        401,
        { code: 'PGRST301', message: 'No suitable key or wrong key type', details: null, hint: null },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    return { role, authenticated: role !== 'anon' };
  }

  private checkProfile(req: IncomingMessage, headerName: string): void {
    const profile = header(req, headerName);
    if (profile !== undefined && profile !== EXPOSED_SCHEMA) {
      throw new PostgrestResponseError(406, {
        code: 'PGRST106',
        message: `Invalid schema: ${profile}`,
        details: null,
        hint: `Only the following schemas are exposed: ${EXPOSED_SCHEMA}`,
      });
    }
  }

  private async readArgs(req: IncomingMessage): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readBody(req, BODY_LIMIT_BYTES);
    } catch (error) {
      if (error instanceof RequestBodyTooLargeError) {
        throw new PostgrestResponseError(413, { code: 'PGRST102', message: error.message, details: null, hint: null });
      }
      throw error;
    }
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new PostgrestResponseError(400, {
        code: 'PGRST102',
        message: 'Empty or invalid json',
        details: null,
        hint: 'The test server takes a JSON object of named arguments.',
      });
    }
    return parsed as Record<string, unknown>;
  }

  /** PostgREST's overload resolution: every given key names a parameter, every required one is given. */
  private async findRoutine(name: string, keys: readonly string[]): Promise<RoutineCandidate> {
    const { rows } = await this.pool.query<RoutineCandidate>(ROUTINE_LOOKUP_SQL, [EXPOSED_SCHEMA, name]);
    const matching = rows.filter((routine) => {
      const names = routine.params.map((param) => param.name ?? '');
      const required = names.slice(0, names.length - routine.defaults);
      return keys.every((key) => names.includes(key)) && required.every((param) => keys.includes(param));
    });
    if (matching.length === 1) return matching[0];
    const func = `${EXPOSED_SCHEMA}.${name}`;
    const sorted = [...keys].sort();
    if (matching.length > 1) {
      throw new PostgrestResponseError(300, {
        code: 'PGRST203',
        message: `Could not choose the best candidate function between: ${matching
          .map((routine) => `${func}(${routine.params.map((param) => `${param.name} => ${param.type}`).join(', ')})`)
          .join(', ')}`,
        details: null,
        hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      });
    }
    const withParams = sorted.length === 0 ? ' without parameters' : `(${sorted.join(', ')})`;
    const searched =
      sorted.length === 0
        ? ' without parameters'
        : ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}`;
    throw new PostgrestResponseError(404, {
      code: 'PGRST202',
      message: `Could not find the function ${func}${withParams} in the schema cache`,
      details: `Searched for the function ${func}${searched} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      hint: null,
    });
  }

  private writeResult(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    shape: ResultShape,
    body: string | null,
  ): void {
    const prefer = header(req, 'prefer') ?? '';
    if (shape === 'void' || /return=minimal/.test(prefer)) {
      res.writeHead(204);
      res.end();
      return;
    }
    const accept = header(req, 'accept') ?? 'application/json';
    let value: unknown = JSON.parse(body ?? 'null');
    const headers: Record<string, string> = {};
    if (Array.isArray(value)) {
      const total = /count=(exact|planned|estimated)/.test(prefer) ? String(value.length) : '*';
      headers['Content-Range'] = value.length === 0 ? `*/${total}` : `0-${value.length - 1}/${total}`;
    }
    if (accept.startsWith('application/vnd.pgrst.object+json') && Array.isArray(value)) {
      if (value.length !== 1) {
        throw new PostgrestResponseError(406, {
          code: 'PGRST116',
          message: 'Cannot coerce the result to a single JSON object',
          details: `The result contains ${value.length} rows`,
          hint: null,
        });
      }
      value = value[0];
    }
    if (accept.includes('nulls=stripped')) value = stripNulls(value);
    const text = JSON.stringify(value);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(method === 'HEAD' ? undefined : text);
  }
}

const ROUTINE_LOOKUP_SQL = `
  select p.proretset as returns_set,
         rt.typtype::text as return_kind,
         rt.typname::text as return_type,
         p.pronargdefaults::int as defaults,
         coalesce('o' = any (p.proargmodes) or 'b' = any (p.proargmodes) or 't' = any (p.proargmodes), false)
           as named_result,
         coalesce((
           select json_agg(json_build_object('name', nullif(a.name, ''), 'type', format_type(a.type, null)) order by a.ord)
           from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
                  with ordinality as a(type, name, mode, ord)
           where coalesce(a.mode, 'i') in ('i', 'b', 'v')
         ), '[]'::json) as params
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
  join pg_catalog.pg_type rt on rt.oid = p.prorettype
  where n.nspname = $1 and p.proname = $2 and p.prokind = 'f'`;

function resultShape(routine: RoutineCandidate): ResultShape {
  if (routine.return_kind === 'p' && routine.return_type === 'void') return 'void';
  // A single OUT/TABLE column makes Postgres declare the column's own type, yet PostgREST (since
  // v8.0.1, PostgREST#1931) still answers `{"column": value}` objects, as for several columns.
  const composite =
    routine.return_kind === 'c' ||
    (routine.return_kind === 'p' && routine.return_type === 'record') ||
    routine.named_result;
  if (routine.returns_set) return composite ? 'set-of-rows' : 'set-of-values';
  return composite ? 'row' : 'value';
}

/**
 * `select <json> from json_to_record($1) as _args(...) cross join lateral fn(p => _args.p, ...)`:
 * arguments are typed by the function's own parameter types, as PostgREST does.
 */
function callSql(
  name: string,
  routine: RoutineCandidate,
  keys: readonly string[],
  shape: ResultShape,
  args: Record<string, unknown>,
): { text: string; params: unknown[] } {
  const given = routine.params.filter((param) => param.name !== null && keys.includes(param.name));
  const direct = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(name)}(${given
    .map((param) => `${quoteIdent(param.name ?? '')} => _args.${quoteIdent(param.name ?? '')}`)
    .join(', ')})`;
  // One OUT/TABLE column of a base type: a subquery makes `_r` a row whose field is that column.
  const call =
    routine.named_result && routine.return_kind !== 'c' && routine.return_type !== 'record'
      ? `(select * from ${direct})`
      : direct;
  const alias = shape === 'set-of-values' || shape === 'value' ? '_r(v)' : '_r';
  const from =
    given.length === 0
      ? `${call} as ${alias}`
      : `json_to_record($1::json) as _args(${given
          .map((param) => `${quoteIdent(param.name ?? '')} ${param.type}`)
          .join(', ')}) cross join lateral ${call} as ${alias}`;
  const projection: Record<ResultShape, string> = {
    void: 'null::text',
    'set-of-rows': "coalesce(json_agg(_r), '[]'::json)::text",
    'set-of-values': "coalesce(json_agg(_r.v), '[]'::json)::text",
    row: 'to_json(_r)::text',
    value: "coalesce(to_json(_r.v)::text, 'null')",
  };
  return {
    text: `select ${projection[shape]} as body from ${from}`,
    params: given.length === 0 ? [] : [JSON.stringify(args)],
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
  }
  return value;
}
