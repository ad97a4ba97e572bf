import { Client, type Pool } from 'pg';
import { createTestDatabase } from '../../support/test-database';
import {
  CLIENT_ROLES,
  type Inventory,
  callOf,
  catalogFindings,
  isCallDenied,
  probeRelation,
  readInventory,
  routinesWithoutFixedSearchPath,
} from './exposure-checker';
import { seedEveryTable } from './seed-every-table';
import { createSupabaseLikeDatabase } from './supabase-like-database';

interface Database {
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/** Tables the migrations are known to create: the inventory must find at least these. */
const KNOWN_TABLES = [
  'cogo_meta.schema_migrations',
  'public.agent_instances',
  'public.agent_messages',
  'public.bus_events',
  'public.bus_subscriptions',
  'public.code_files',
  'public.code_repositories',
  'public.code_symbols',
  'public.workflow_plans',
  'public.workflow_runs',
  'public.workflow_steps',
];

const KNOWN_BUS_FUNCTIONS = [
  'public.bus_claim',
  'public.bus_complete',
  'public.bus_complete_many',
  'public.bus_send',
  'public.bus_publish',
  'public.bus_take_replies',
  'public.bus_outcome',
  'public.bus_cancel',
  'public.bus_capable_agents',
  'public.bus_ping',
  'public.bus_heartbeat',
];

/** Opens a session on `db`, runs `work` in a transaction and always rolls it back. */
async function inRolledBackTransaction<T>(db: Database, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('begin');
    return await work(client);
  } finally {
    await client.query('rollback');
    await client.end();
  }
}

describe.each([
  ['a database migrated from scratch', createTestDatabase],
  ["a new Supabase project's database, default privileges and all", createSupabaseLikeDatabase],
])('security of %s', (_setting, createDatabase: () => Promise<Database>) => {
  let db: Database;
  let inventory: Inventory;

  beforeAll(async () => {
    db = await createDatabase();
    await seedEveryTable(db.pool);
    inventory = await readInventory(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('finds every table and bus function the migrations create, in every application schema', () => {
    expect(inventory.schemas).toEqual(expect.arrayContaining(['cogo_meta', 'public']));
    expect(inventory.relations.map((relation) => relation.qualified)).toEqual(expect.arrayContaining(KNOWN_TABLES));
    expect(inventory.routines.map((routine) => routine.qualifiedName)).toEqual(
      expect.arrayContaining(KNOWN_BUS_FUNCTIONS),
    );
  });

  it('has rows in every table, so a read of zero rows means hidden rather than empty', async () => {
    const empty: string[] = [];
    for (const relation of inventory.relations.filter((candidate) => candidate.kind === 'table')) {
      const { rows } = await db.pool.query<{ present: boolean }>(
        `select exists (select 1 from ${relation.qualified}) as present`,
      );
      if (!rows[0].present) empty.push(relation.qualified);
    }
    // A new table lands here until seed-every-table.ts puts a row in it.
    expect(empty).toEqual([]);
  });

  it('gives anon, authenticated and PUBLIC no privilege, policy, membership or ownership that opens anything', async () => {
    expect(await catalogFindings(db.pool)).toEqual([]);
  });

  it('enables row level security on every table', async () => {
    const { rows } = await db.pool.query<{ relation: string; rls: boolean }>(
      `select c.oid::regclass::text as relation, c.relrowsecurity as rls
       from pg_catalog.pg_class c
       where c.relnamespace in ('public'::regnamespace, 'cogo_meta'::regnamespace) and c.relkind in ('r', 'p')`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(KNOWN_TABLES.length);
    expect(rows.filter((row) => !row.rls)).toEqual([]);
  });

  it('fixes the search_path of every function, so a caller cannot redirect what they call', async () => {
    expect(await routinesWithoutFixedSearchPath(db.pool)).toEqual([]);
  });

  it.each(CLIENT_ROLES)(
    'lets %s read, insert, update, delete or truncate nothing, with its JWT claims set and rows present',
    async (role) => {
      const findings = await inRolledBackTransaction(db, async (client) => {
        const found: string[] = [];
        for (const relation of inventory.relations) found.push(...(await probeRelation(client, relation, role)));
        return found;
      });
      expect(findings).toEqual([]);
    },
  );

  it.each(CLIENT_ROLES)('lets %s call no function, bus_claim and every other bus_* included', async (role) => {
    const callable = await inRolledBackTransaction(db, async (client) => {
      const got: string[] = [];
      for (const routine of inventory.routines.filter((candidate) => candidate.kind !== 'aggregate')) {
        if (!(await isCallDenied(client, routine, role))) got.push(callOf(routine));
      }
      return got;
    });
    expect(callable).toEqual([]);
  });

  it('lets service_role call every bus function and see the seeded rows (the positive control)', async () => {
    const { denied, unseen } = await inRolledBackTransaction(db, async (client) => {
      const deniedCalls: string[] = [];
      for (const routine of inventory.routines.filter((candidate) =>
        candidate.qualifiedName.startsWith('public.bus_'),
      )) {
        if (await isCallDenied(client, routine, 'service_role')) deniedCalls.push(callOf(routine));
      }
      const unseenTables: string[] = [];
      await client.query('savepoint service_role_reads');
      await client.query('set local role service_role');
      for (const relation of inventory.relations.filter((candidate) => candidate.qualified.startsWith('public.'))) {
        const { rowCount } = await client.query(`select * from ${relation.qualified}`);
        if (!rowCount) unseenTables.push(relation.qualified);
      }
      await client.query('rollback to savepoint service_role_reads');
      return { denied: deniedCalls, unseen: unseenTables };
    });
    expect(denied).toEqual([]);
    expect(unseen).toEqual([]);

    const roundTrip = await inRolledBackTransaction(db, async (client) => {
      await client.query('set local role service_role');
      await client.query(
        `select * from public.bus_send('[{"kind":"request","pattern":"p","sender":"sec-client","recipient":"sec-worker"}]')`,
      );
      const { rows } = await client.query<{ recipient: string }>(
        "select recipient from public.bus_claim('sec-worker', 'sec-worker:1')",
      );
      return rows;
    });
    expect(roundTrip).toEqual([{ recipient: 'sec-worker' }]);
  });
});

describe('default privileges', () => {
  it('the migrations add none for anon, authenticated or PUBLIC', async () => {
    const db = await createTestDatabase();
    try {
      const { rows } = await db.pool.query<{ entry: string }>(
        `select format('%s on %s in %s', a.privilege_type, d.defaclobjtype,
                       coalesce(d.defaclnamespace::regnamespace::text, 'every schema')) as entry
         from pg_catalog.pg_default_acl d
         cross join lateral aclexplode(d.defaclacl) a
         where a.grantee = 0 or a.grantee in (select oid from pg_catalog.pg_roles where rolname in ('anon', 'authenticated'))`,
      );
      expect(rows).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it("on a Supabase project, do grant new objects to anon: the migrations' own revokes are what close them", async () => {
    const db = await createSupabaseLikeDatabase();
    try {
      const granted = await inRolledBackTransaction(db, async (client) => {
        await client.query('create table public.scratch_table (id integer)');
        await client.query('create function public.scratch_function() returns integer language sql as $$ select 1 $$');
        const { rows } = await client.query<{ table_select: boolean; function_execute: boolean }>(
          `select has_table_privilege('anon', 'public.scratch_table', 'SELECT') as table_select,
                  has_function_privilege('anon', 'public.scratch_function()', 'EXECUTE') as function_execute`,
        );
        return rows[0];
      });
      expect(granted).toEqual({ table_select: true, function_execute: true });
    } finally {
      await db.drop();
    }
  });
});

describe('the exposure checker, on holes planted on purpose', () => {
  let db: Database;
  let inventory: Inventory;

  beforeAll(async () => {
    db = await createSupabaseLikeDatabase();
    await seedEveryTable(db.pool);
    inventory = await readInventory(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  function relation(qualified: string) {
    const found = inventory.relations.find((candidate) => candidate.qualified === qualified);
    if (!found) throw new Error(`${qualified} is not in the inventory`);
    return found;
  }

  function routine(qualifiedName: string) {
    const found = inventory.routines.find((candidate) => candidate.qualifiedName === qualifiedName);
    if (!found) throw new Error(`${qualifiedName} is not in the inventory`);
    return found;
  }

  it('reports a table granted to anon, and the rows a policy then lets it read and delete', async () => {
    const { catalog, probed } = await inRolledBackTransaction(db, async (client) => {
      await client.query('grant select, delete on public.bus_events to anon');
      await client.query('create policy leak on public.bus_events for all to anon using (true)');
      return {
        catalog: await catalogFindings(client),
        probed: await probeRelation(client, relation('public.bus_events'), 'anon'),
      };
    });
    expect(catalog).toEqual(
      expect.arrayContaining([
        'anon holds SELECT on public.bus_events',
        'anon holds DELETE on public.bus_events',
        'anon may use SELECT on public.bus_events (granted directly or through a role)',
        'policy leak on bus_events applies to anon',
      ]),
    );
    expect(probed).toEqual([
      expect.stringMatching(/^anon: `select \* from public\.bus_events` returned \d+ row\(s\)$/),
      'anon: `delete from public.bus_events` changed public.bus_events',
    ]);
  });

  it('reports a table whose row level security is off, even with no grant to anyone', async () => {
    const catalog = await inRolledBackTransaction(db, async (client) => {
      await client.query('alter table public.bus_subscriptions disable row level security');
      return catalogFindings(client);
    });
    expect(catalog).toEqual(['public.bus_subscriptions: row level security is off']);
  });

  it('reports bus_claim executable by PUBLIC again, and the call going through', async () => {
    const claim = routine('public.bus_claim');
    const { catalog, denied } = await inRolledBackTransaction(db, async (client) => {
      await client.query(`grant execute on function ${claim.signature} to public`);
      return { catalog: await catalogFindings(client), denied: await isCallDenied(client, claim, 'authenticated') };
    });
    expect(catalog).toEqual(
      expect.arrayContaining([
        `PUBLIC holds EXECUTE on ${claim.signature}`,
        `anon may execute ${claim.signature} (granted directly or through a role)`,
        `authenticated may execute ${claim.signature} (granted directly or through a role)`,
      ]),
    );
    expect(denied).toBe(false);
  });

  it('reports a new table, sequence and SECURITY DEFINER function that a migration forgot to close', async () => {
    const catalog = await inRolledBackTransaction(db, async (client) => {
      await client.query('create table public.forgotten (id bigint generated always as identity, note text)');
      await client.query(
        'create function public.forgotten_reader() returns bigint language sql security definer as $$ select 1::bigint $$',
      );
      return catalogFindings(client);
    });
    expect(catalog).toEqual(
      expect.arrayContaining([
        'public.forgotten: row level security is off',
        'anon holds SELECT on public.forgotten',
        'authenticated holds TRUNCATE on public.forgotten',
        'anon may use USAGE on sequence public.forgotten_id_seq',
        'PUBLIC holds EXECUTE on public.forgotten_reader()',
        'anon holds EXECUTE on public.forgotten_reader()',
        'public.forgotten_reader() is SECURITY DEFINER without a fixed search_path',
      ]),
    );
  });

  it('reports a client role made a member of service_role', async () => {
    const catalog = await inRolledBackTransaction(db, async (client) => {
      await client.query('grant service_role to authenticated');
      return catalogFindings(client);
    });
    expect(catalog).toEqual(['authenticated is a member of service_role']);
  });
});
