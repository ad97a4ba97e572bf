import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { aBusName, aRequest, anEvent } from '../../support/message.builder';
import { busClaim, busPublish, busSend, busSubscribe, type Queryable } from '../bus-sql/bus-functions';

/**
 * Puts rows in every table as `service_role`, the role the agents use, through the bus functions
 * where there is one and the agents' own kind of insert where there is none. A probe that reads
 * zero rows then means "hidden", not "empty". `cogo_meta.schema_migrations` is filled by the
 * migration runner itself.
 */
export async function seedEveryTable(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('set local role service_role');
    await seedBus(client);
    await seedCodeIndex(client);
    await seedWorkflow(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function seedBus(db: Queryable): Promise<void> {
  const group = aBusName('group');
  const type = `${aBusName('seed')}.happened`;
  await busSubscribe(db, group, [type]);
  await busPublish(db, [anEvent({ type, data: { secret: 'seeded-event-data' } })]);
  const request = aRequest({ payload: { secret: 'seeded-request-payload' } });
  await busSend(db, [request, aRequest()]);
  await busClaim(db, request.recipient, aBusName('instance'));
  await db.query(`select public.bus_heartbeat($1, $2, array['seed.capability'])`, [
    aBusName('instance'),
    aBusName('agent'),
  ]);
}

async function seedCodeIndex(db: Queryable): Promise<void> {
  const repository = aBusName('repository');
  await db.query('insert into public.code_repositories (name, root, file_count, symbol_count) values ($1, $2, 1, 1)', [
    repository,
    '/srv/seeded',
  ]);
  await db.query(
    `insert into public.code_files (repository, path, language, size_bytes, sha256, lines)
     values ($1, 'src/seeded.ts', 'ts', 42, repeat('ab', 32), 3)`,
    [repository],
  );
  await db.query(
    `insert into public.code_symbols (repository, path, name, kind, line, end_line, exported)
     values ($1, 'src/seeded.ts', 'seeded', 'function', 1, 3, true)`,
    [repository],
  );
}

async function seedWorkflow(db: Queryable): Promise<void> {
  const planId = randomUUID();
  const runId = randomUUID();
  const traceId = randomUUID().replaceAll('-', '');
  await db.query(
    `insert into public.workflow_plans (id, decision_id, trace_id, intent, template, confidence, reason)
     values ($1, $2, $3, 'index the seeded repository', 'indexing', 0.9, 'seeded')`,
    [planId, randomUUID(), traceId],
  );
  await db.query(
    `insert into public.workflow_runs (id, plan_id, template, trace_id, span_id, input)
     values ($1, $2, 'indexing', $3, '00000000000000a1', '{"root": "/srv/seeded"}')`,
    [runId, planId, traceId],
  );
  await db.query(
    `insert into public.workflow_steps (run_id, index, name, capability)
     values ($1, 0, 'index', 'index.repository')`,
    [runId],
  );
}
