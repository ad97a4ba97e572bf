import { Client, DatabaseError } from 'pg';
import { aBusName, aRequest, anEvent } from '../../support/message.builder';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import {
  busClaim,
  busComplete,
  busPublish,
  busSend,
  busSubscribe,
  busTakeReplies,
  leaseOf,
  type Queryable,
} from './bus-functions';

/** Each bus table, with a column an UPDATE can name. */
const BUS_TABLES = {
  agent_messages: 'status',
  bus_events: 'type',
  bus_subscriptions: 'pattern',
  agent_instances: 'version',
} as const;

const BUS_FUNCTIONS = [
  'bus_claim',
  'bus_complete',
  'bus_complete_many',
  'bus_deregister',
  'bus_extend',
  'bus_fail',
  'bus_heartbeat',
  'bus_publish',
  'bus_release',
  'bus_send',
  'bus_subscribe',
  'bus_take_replies',
  'bus_unsubscribe',
];

const PERMISSION_DENIED = '42501';

interface Outcome {
  readonly statement: string;
  readonly sqlstate: string | null;
  /**
   * What a permission error names: `table` or `function`. A function that runs and then meets a
   * table it may not read fails with the same SQLSTATE, so only this shows it was let in.
   */
  readonly deniedFor?: string;
}

describe('bus security', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
    // Rows to read, update and delete, so an allowed statement would have something to act on.
    await busSubscribe(db.pool, aBusName('group'), ['seeded.happened']);
    await busPublish(db.pool, [anEvent({ type: 'seeded.happened' })]);
    await busSend(db.pool, [aRequest()]);
    await db.pool.query("select public.bus_heartbeat('seeded-instance', 'seeded-agent')");
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  /** Runs `work` as `role` in a transaction that is always rolled back. */
  async function asRole<T>(role: string, work: (db: Queryable) => Promise<T>): Promise<T> {
    await client.query('begin');
    try {
      await client.query(`set local role ${role}`);
      return await work(client);
    } finally {
      await client.query('rollback');
    }
  }

  /** The SQLSTATE `statement` ends with when `role` runs it, or null when it succeeds. */
  async function outcomeAs(role: string, statement: string): Promise<Outcome> {
    try {
      await asRole(role, (db) => db.query(statement));
      return { statement, sqlstate: null };
    } catch (error) {
      if (error instanceof DatabaseError) {
        return {
          statement,
          sqlstate: error.code ?? 'unknown',
          deniedFor: /^permission denied for (\w+)/.exec(error.message)?.[1],
        };
      }
      throw error;
    }
  }

  describe.each(['anon', 'authenticated'])('as %s', (role) => {
    it('can neither read, insert, update, delete nor truncate any bus table', async () => {
      const statements = Object.entries(BUS_TABLES).flatMap(([table, column]) => [
        `select * from public.${table}`,
        `insert into public.${table} default values`,
        `update public.${table} set ${column} = ${column}`,
        `delete from public.${table}`,
        `truncate public.${table}`,
      ]);

      const outcomes: Outcome[] = [];
      for (const statement of statements) outcomes.push(await outcomeAs(role, statement));

      expect(outcomes).toEqual(
        statements.map((statement) => ({ statement, sqlstate: PERMISSION_DENIED, deniedFor: 'table' })),
      );
    });

    it('can call no bus function', async () => {
      const { rows: functions } = await db.pool.query<{ name: string; argument_types: string[] }>(
        `select p.proname as name, array(select format_type(t, null) from unnest(p.proargtypes) t) as argument_types
         from pg_catalog.pg_proc p
         where p.pronamespace = 'public'::regnamespace and p.proname like 'bus\\_%'
         order by p.proname`,
      );
      expect(functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(BUS_FUNCTIONS));
      const statements = functions.map(
        (fn) => `select public.${fn.name}(${fn.argument_types.map((type) => `null::${type}`).join(', ')})`,
      );

      const outcomes: Outcome[] = [];
      for (const statement of statements) outcomes.push(await outcomeAs(role, statement));

      expect(outcomes).toEqual(
        statements.map((statement) => ({ statement, sqlstate: PERMISSION_DENIED, deniedFor: 'function' })),
      );
    });
  });

  it('enables row level security on every table in public', async () => {
    const { rows } = await db.pool.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls
       from pg_catalog.pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
       order by c.relname`,
    );

    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(Object.keys(BUS_TABLES)));
    expect(rows.filter((row) => !row.rls)).toEqual([]);
  });

  async function sendClaimCompleteAndTakeTheReply(db: Queryable): Promise<void> {
    const request = aRequest();
    const instance = aBusName('instance');
    const [sent] = await busSend(db, [request]);
    const [claimed] = await busClaim(db, request.recipient, instance);
    expect(claimed.id).toBe(sent.id);
    expect(await busComplete(db, leaseOf(claimed), instance, { answer: 'pong' })).toBe(true);
    const replies = await busTakeReplies(db, request.sender);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ correlation_id: sent.id, payload: { answer: 'pong' } });
  }

  it('lets service_role send, claim, complete and take the reply', async () => {
    await asRole('service_role', sendClaimCompleteAndTakeTheReply);
  });

  it('lets service_role do so through its policies alone, where it lacks BYPASSRLS', async () => {
    // A fresh session: one that already ran the functions with BYPASSRLS may reuse those plans.
    const session = new Client({ connectionString: db.url });
    await session.connect();
    try {
      await session.query('begin');
      // Rolled back with the transaction: no other session ever sees the change.
      await session.query('alter role service_role nobypassrls');
      await session.query('set local role service_role');
      await sendClaimCompleteAndTakeTheReply(session);
      const { rows } = await session.query<{ bypass: boolean }>(
        "select rolbypassrls as bypass from pg_catalog.pg_roles where rolname = 'service_role'",
      );
      expect(rows[0].bypass).toBe(false);
    } finally {
      await session.query('rollback');
      await session.end();
    }
  });
});
