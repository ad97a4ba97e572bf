import { DatabaseError } from 'pg';
import type { Queryable } from '../bus-sql/bus-functions';

/**
 * Finds what the Data API's client roles could reach, from the catalog rather than from a list of
 * names: every table, view, sequence and routine of every application schema is looked at, so an
 * object added by a later migration is checked without anyone editing this file.
 *
 * A finding is one sentence naming the role, the object and what it could do; no finding means
 * closed. The same checks run against a database with a hole planted on purpose, to prove that
 * they see one.
 */

/** The roles PostgREST switches to for a request with the anon key or a user's JWT. */
export const CLIENT_ROLES = ['anon', 'authenticated'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

const PERMISSION_DENIED = '42501';

export type RelationKind = 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table' | 'sequence';
export type RoutineKind = 'function' | 'procedure' | 'aggregate' | 'window function';

export interface CatalogRelation {
  /** Schema-qualified and quoted, ready to put in a statement. */
  readonly qualified: string;
  readonly kind: RelationKind;
  /** A column an UPDATE can set to itself; null for sequences. */
  readonly firstColumn: string | null;
}

export interface CatalogRoutine {
  /** `schema.name(argument types)`, as regprocedure prints it. */
  readonly signature: string;
  readonly qualifiedName: string;
  readonly kind: RoutineKind;
  readonly argumentTypes: readonly string[];
  readonly variadic: boolean;
}

export interface Inventory {
  readonly schemas: readonly string[];
  readonly relations: readonly CatalogRelation[];
  readonly routines: readonly CatalogRoutine[];
}

/** Extension members belong to their extension (Supabase keeps those in `extensions`), not to us. */
const NOT_AN_EXTENSION_MEMBER = (catalog: string, oid: string): string =>
  `not exists (select 1 from pg_catalog.pg_depend d
               where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** Every schema that is not Postgres's own: `public`, `cogo_meta` and whatever a migration adds. */
const APP_SCHEMAS_SQL = `
  select n.oid, n.nspname
  from pg_catalog.pg_namespace n
  where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    and n.nspname !~ '^pg_(temp|toast_temp)_'
    and ${NOT_AN_EXTENSION_MEMBER('pg_catalog.pg_namespace', 'n.oid')}`;

const RELATIONS_SQL = `
  with app as (${APP_SCHEMAS_SQL})
  select c.oid, format('%I.%I', app.nspname, c.relname) as qualified, c.relkind, c.relrowsecurity,
         c.relowner, c.relacl,
         (select format('%I', a.attname)
          from pg_catalog.pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          order by a.attnum limit 1) as first_column
  from pg_catalog.pg_class c
  join app on app.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
    and ${NOT_AN_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}`;

const ROUTINES_SQL = `
  with app as (${APP_SCHEMAS_SQL})
  select p.oid, format('%I.%I(%s)', app.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) as signature,
         format('%I.%I', app.nspname, p.proname) as qualified_name,
         p.prokind, p.provariadic <> 0 as variadic, p.prosecdef, p.proowner, p.proacl,
         array(select pg_catalog.format_type(t.type, null)
               from unnest(p.proargtypes) with ordinality as t(type, position)
               order by t.position) as argument_types,
         exists (select 1 from unnest(coalesce(p.proconfig, '{}')) setting
                 where setting like 'search\\_path=%') as pinned_search_path
  from pg_catalog.pg_proc p
  join app on app.oid = p.pronamespace
  where ${NOT_AN_EXTENSION_MEMBER('pg_catalog.pg_proc', 'p.oid')}`;

const RELATION_KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  S: 'sequence',
};

const ROUTINE_KINDS: Record<string, RoutineKind> = {
  f: 'function',
  p: 'procedure',
  a: 'aggregate',
  w: 'window function',
};

export async function readInventory(db: Queryable): Promise<Inventory> {
  const schemas = await db.query<{ nspname: string }>(`${APP_SCHEMAS_SQL} order by n.nspname`);
  const relations = await db.query<{ qualified: string; relkind: string; first_column: string | null }>(
    `${RELATIONS_SQL} order by 2`,
  );
  const routines = await db.query<{
    signature: string;
    qualified_name: string;
    prokind: string;
    variadic: boolean;
    argument_types: string[];
  }>(`${ROUTINES_SQL} order by 2`);
  return {
    schemas: schemas.rows.map((row) => row.nspname),
    relations: relations.rows.map((row) => ({
      qualified: row.qualified,
      kind: RELATION_KINDS[row.relkind],
      firstColumn: row.relkind === 'S' ? null : row.first_column,
    })),
    routines: routines.rows.map((row) => ({
      signature: row.signature,
      qualifiedName: row.qualified_name,
      kind: ROUTINE_KINDS[row.prokind],
      argumentTypes: row.argument_types,
      variadic: row.variadic,
    })),
  };
}

/**
 * What the catalog says anon, authenticated and PUBLIC may do. Each query returns one finding per
 * row; PUBLIC is grantee 0 in an ACL, and a NULL ACL means the object's default one (for
 * functions that default includes EXECUTE for PUBLIC).
 */
const CATALOG_CHECKS_SQL = `
  with app as (${APP_SCHEMAS_SQL}),
  relations as (${RELATIONS_SQL}),
  routines as (${ROUTINES_SQL}),
  client(oid, name) as (
    select r.oid, r.rolname::text from pg_catalog.pg_roles r where r.rolname in ('anon', 'authenticated')),
  grantee(oid, name) as (select * from client union all select 0, 'PUBLIC')
  select finding from (
    select format('%s: row level security is off', r.qualified) as finding
    from relations r where r.relkind in ('r', 'p') and not r.relrowsecurity
  union all
    -- The owner bypasses RLS unless it is forced. The tables are not forced because their owner is
    -- the migration role, never a client role; this keeps it that way.
    select format('%s is owned by %s, which row level security does not restrict', r.qualified, c.name)
    from relations r join client c on c.oid = r.relowner
  union all
    select format('%s holds %s on %s', g.name, a.privilege_type, r.qualified)
    from relations r
    cross join lateral aclexplode(coalesce(r.relacl, acldefault(case when r.relkind = 'S' then 's' else 'r' end::"char", r.relowner))) a
    join grantee g on g.oid = a.grantee
  union all
    select format('%s holds %s on column %s of %s', g.name, a.privilege_type, quote_ident(att.attname), r.qualified)
    from relations r
    join pg_catalog.pg_attribute att on att.attrelid = r.oid and att.attacl is not null
    cross join lateral aclexplode(att.attacl) a
    join grantee g on g.oid = a.grantee
  union all
    select format('%s may use %s on %s (granted directly or through a role)', c.name, p.privilege, r.qualified)
    from relations r cross join client c
    cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) p(privilege)
    where r.relkind <> 'S' and has_table_privilege(c.oid, r.oid, p.privilege)
  union all
    select format('%s may use some column of %s for %s', c.name, r.qualified, p.privilege)
    from relations r cross join client c
    cross join (values ('SELECT'), ('INSERT'), ('UPDATE'), ('REFERENCES')) p(privilege)
    where r.relkind <> 'S' and has_any_column_privilege(c.oid, r.oid, p.privilege)
  union all
    select format('%s may use %s on sequence %s', c.name, p.privilege, r.qualified)
    from relations r cross join client c cross join (values ('USAGE'), ('SELECT'), ('UPDATE')) p(privilege)
    where r.relkind = 'S' and has_sequence_privilege(c.oid, r.oid, p.privilege)
  union all
    select format('policy %I on %s applies to %s', pol.polname, pol.polrelid::regclass, g.name)
    from pg_catalog.pg_policy pol
    join relations r on r.oid = pol.polrelid
    cross join lateral unnest(pol.polroles) role_oid
    join grantee g on g.oid = role_oid
  union all
    select format('%s holds %s on %s', g.name, a.privilege_type, f.signature)
    from routines f
    cross join lateral aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
    join grantee g on g.oid = a.grantee
  union all
    select format('%s may execute %s (granted directly or through a role)', c.name, f.signature)
    from routines f cross join client c
    where has_function_privilege(c.oid, f.oid, 'EXECUTE')
  union all
    select format('%s is owned by %s', f.signature, c.name)
    from routines f join client c on c.oid = f.proowner
  union all
    select format('%s is SECURITY DEFINER without a fixed search_path', f.signature)
    from routines f where f.prosecdef and not f.pinned_search_path
  union all
    select format('%s may create objects in schema %I', c.name, app.nspname)
    from app cross join client c where has_schema_privilege(c.oid, app.oid, 'CREATE')
  union all
    -- Supabase needs USAGE on public for the Data API; every other schema stays invisible.
    select format('%s may use schema %I', c.name, app.nspname)
    from app cross join client c where app.nspname <> 'public' and has_schema_privilege(c.oid, app.oid, 'USAGE')
  union all
    select format('%s is a member of %s', c.name, m.roleid::regrole)
    from client c join pg_catalog.pg_auth_members m on m.member = c.oid
  union all
    select format('%s has the attribute %s', c.name, attribute)
    from client c join pg_catalog.pg_roles r on r.oid = c.oid
    cross join lateral (values ('SUPERUSER', r.rolsuper), ('BYPASSRLS', r.rolbypassrls),
                               ('CREATEROLE', r.rolcreaterole), ('CREATEDB', r.rolcreatedb)) v(attribute, held)
    where v.held
  ) findings
  order by finding`;

/** Every privilege, policy, membership or ownership that opens an object to a client role. */
export async function catalogFindings(db: Queryable): Promise<string[]> {
  const missing = await db.query<{ rolname: string }>(
    `select name as rolname from unnest(array['anon', 'authenticated', 'service_role']) name
     where not exists (select 1 from pg_catalog.pg_roles r where r.rolname = name)`,
  );
  if (missing.rows.length > 0) {
    throw new Error(
      `Roles ${missing.rows.map((row) => row.rolname).join(', ')} are missing: run the migrations first.`,
    );
  }
  const { rows } = await db.query<{ finding: string }>(CATALOG_CHECKS_SQL);
  return rows.map((row) => row.finding);
}

/** Routines whose search_path is not fixed: a caller's search_path could redirect their lookups. */
export async function routinesWithoutFixedSearchPath(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ signature: string }>(
    `with routines as (${ROUTINES_SQL}) select signature from routines where not pinned_search_path order by 1`,
  );
  return rows.map((row) => row.signature);
}

/** What PostgREST sets for a request: the role, and the JWT's claims as settings. */
async function actAs(db: Queryable, role: string): Promise<void> {
  const claims =
    role === 'authenticated'
      ? { role, aud: 'authenticated', sub: '00000000-0000-4000-8000-00000000c0de' }
      : { role, iss: 'supabase' };
  await db.query(`set local role ${quoteIdent(role)}`);
  await db.query(
    `select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.role', $2, true),
            set_config('request.jwt.claim.sub', $3, true), set_config('request.method', 'POST', true)`,
    [JSON.stringify(claims), role, 'sub' in claims ? claims.sub : ''],
  );
}

interface Fingerprint {
  readonly rows: number;
  readonly digest: string;
}

async function fingerprint(db: Queryable, relation: CatalogRelation): Promise<Fingerprint> {
  const { rows } = await db.query<Fingerprint>(
    `select count(*)::integer as rows, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
     from ${relation.qualified} t`,
  );
  return rows[0];
}

type Attempt =
  | { readonly ok: true; readonly rowCount: number }
  | { readonly ok: false; readonly sqlstate: string; readonly message: string };

/**
 * Runs `statement` as `role` inside a savepoint of the caller's open transaction and rolls it
 * back, so nothing a hole lets through survives; `inspect` runs as the session user before the
 * rollback, to see what the statement did.
 */
async function attempt<T>(
  db: Queryable,
  role: string,
  statement: string,
  inspect: (outcome: Attempt) => Promise<T>,
): Promise<T> {
  await db.query('savepoint exposure_probe');
  try {
    let outcome: Attempt;
    try {
      await actAs(db, role);
      const result = await db.query(statement);
      outcome = { ok: true, rowCount: result.rowCount ?? 0 };
      await db.query('reset role');
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      outcome = { ok: false, sqlstate: error.code ?? 'unknown', message: error.message };
      await db.query('rollback to savepoint exposure_probe');
    }
    return await inspect(outcome);
  } finally {
    await db.query('rollback to savepoint exposure_probe');
    await db.query('release savepoint exposure_probe');
  }
}

function statementsFor(relation: CatalogRelation): { readonly statement: string; readonly reads: boolean }[] {
  const name = relation.qualified;
  switch (relation.kind) {
    case 'sequence':
      return [
        { statement: `select nextval('${name}')`, reads: true },
        { statement: `select last_value from ${name}`, reads: true },
      ];
    case 'materialized view':
      return [{ statement: `select * from ${name}`, reads: true }];
    case 'table':
    case 'partitioned table':
    case 'foreign table':
    case 'view': {
      const column = relation.firstColumn ?? 'ctid';
      return [
        { statement: `select * from ${name}`, reads: true },
        { statement: `insert into ${name} default values`, reads: false },
        { statement: `update ${name} set ${column} = ${column}`, reads: false },
        { statement: `delete from ${name}`, reads: false },
        ...(relation.kind === 'view' ? [] : [{ statement: `truncate ${name}`, reads: false }]),
      ];
    }
  }
}

/**
 * Reads, inserts, updates, deletes and truncates `relation` as `role`, the way a Data API request
 * would. Closed means: permission denied, or a read of zero rows, or a write that touched zero
 * rows and left the relation as it was. An error other than permission denied means the privilege
 * check passed and something else stopped the statement, which is a finding too.
 * Must run inside an open transaction.
 */
export async function probeRelation(db: Queryable, relation: CatalogRelation, role: string): Promise<string[]> {
  const findings: string[] = [];
  const before = relation.kind === 'sequence' ? null : await fingerprint(db, relation);
  for (const { statement, reads } of statementsFor(relation)) {
    const finding = await attempt(db, role, statement, async (outcome) => {
      if (!outcome.ok) {
        return outcome.sqlstate === PERMISSION_DENIED
          ? null
          : `${role}: \`${statement}\` passed the privilege check (it failed later, with ${outcome.sqlstate})`;
      }
      if (before === null) return `${role}: \`${statement}\` succeeded`;
      const after = await fingerprint(db, relation);
      if (after.digest !== before.digest) return `${role}: \`${statement}\` changed ${relation.qualified}`;
      if (outcome.rowCount > 0) {
        return `${role}: \`${statement}\` ${reads ? 'returned' : 'touched'} ${outcome.rowCount} row(s)`;
      }
      return null;
    });
    if (finding) findings.push(finding);
  }
  return findings;
}

/** The statement that calls `routine` with a NULL of each argument type. */
export function callOf(routine: CatalogRoutine): string {
  const argumentsList = routine.argumentTypes.map((type, index) => {
    const variadic = routine.variadic && index === routine.argumentTypes.length - 1 ? 'variadic ' : '';
    return `${variadic}null::${type}`;
  });
  return `${routine.kind === 'procedure' ? 'call' : 'select'} ${routine.qualifiedName}(${argumentsList.join(', ')})`;
}

/**
 * Calls `routine` as `role` and reports whether Postgres refused it for lack of EXECUTE. Any
 * other outcome means the call got in: a result, or an error from inside the routine, including
 * a permission error on a table the routine reads (same SQLSTATE, so the message tells them
 * apart; the test cluster's messages are in English).
 * Must run inside an open transaction.
 */
export async function isCallDenied(db: Queryable, routine: CatalogRoutine, role: string): Promise<boolean> {
  return attempt(db, role, callOf(routine), (outcome) =>
    Promise.resolve(
      !outcome.ok &&
        outcome.sqlstate === PERMISSION_DENIED &&
        /^permission denied for (function|procedure) /.test(outcome.message),
    ),
  );
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
