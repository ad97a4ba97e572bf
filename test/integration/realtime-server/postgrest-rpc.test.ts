import type { SupabaseClient } from '@supabase/supabase-js';
import {
  closeSupabaseTestClient,
  createSupabaseTestClient,
  RealtimeTestServer,
  sendBusMessage,
} from '../../support/realtime';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const SERVICE_KEY = 'rpc-service-role-key';
const ANON_KEY = 'rpc-anon-key';

interface ClaimedRow {
  readonly id: string;
  readonly recipient: string;
  readonly status: string;
  readonly attempts: number;
  readonly claimed_by: string;
  readonly payload: unknown;
  readonly lease_until: string;
}

describe('RealtimeTestServer PostgREST rpc', () => {
  let db: TestDatabase;
  let server: RealtimeTestServer;
  let service: SupabaseClient;
  let anon: SupabaseClient;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 4 });
    // Test-only functions covering the result shapes and error mapping the bus functions lack.
    await db.pool.query(`
      create function public.rt_void() returns void language sql as 'select';
      create function public.rt_raise(p_code text) returns integer language plpgsql as $$
      begin
        raise exception using errcode = p_code, message = 'raised ' || p_code, detail = 'some detail', hint = 'a hint';
      end $$;
      create function public.rt_numbers(p_upto integer) returns setof integer language sql as
        'select generate_series(1, p_upto)';
      grant execute on function public.rt_void(), public.rt_raise(text), public.rt_numbers(integer) to service_role;
    `);
    server = await RealtimeTestServer.start({ databaseUrl: db.url, serviceRoleKey: SERVICE_KEY, anonKey: ANON_KEY });
    service = createSupabaseTestClient(server.url, SERVICE_KEY);
    anon = createSupabaseTestClient(server.url, ANON_KEY);
  });

  afterAll(async () => {
    await closeSupabaseTestClient(service);
    await closeSupabaseTestClient(anon);
    await server.stop();
    await db.drop();
  });

  async function rawRpc(name: string, init: { headers?: Record<string, string>; body?: unknown; method?: string }) {
    const response = await fetch(`${server.url}/rest/v1/rpc/${name}`, {
      method: init.method ?? 'POST',
      headers: { 'Content-Type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('returns the rows bus_claim claimed, as an array of typed objects', async () => {
    const first = await sendBusMessage(db.pool, { recipient: 'claimer', payload: { step: 1 } });
    const second = await sendBusMessage(db.pool, { recipient: 'claimer', payload: { step: 2 } });

    const claim = await service.rpc('bus_claim', {
      p_recipient: 'claimer',
      p_instance: 'claimer-1',
      p_max: 5,
      p_lease_ms: 30_000,
    });

    expect(claim.error).toBeNull();
    expect(claim.status).toBe(200);
    const rows = claim.data as ClaimedRow[];
    expect(rows.map((row) => row.id).sort()).toEqual([first, second].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ recipient: 'claimer', status: 'claimed', attempts: 1, claimed_by: 'claimer-1' });
      expect(new Date(row.lease_until).getTime()).toBeGreaterThan(Date.now());
    }
    expect(rows.map((row) => row.payload)).toEqual(expect.arrayContaining([{ step: 1 }, { step: 2 }]));
  });

  it('takes a jsonb argument and returns a table function result', async () => {
    const sent = await service.rpc('bus_send', {
      messages: [
        { kind: 'request', pattern: 'rpc.test', sender: 'rpc-test', recipient: 'sendee', idempotency_key: 'k1' },
      ],
    });

    expect(sent.error).toBeNull();
    expect(sent.data).toEqual([
      {
        id: expect.any(String) as string,
        recipient: 'sendee',
        idempotency_key: 'k1',
        duplicate: false,
        status: 'queued',
      },
    ]);
  });

  it('answers scalar functions with a bare JSON value, set-of-scalar with an array, and void with 204', async () => {
    const scalar = await service.rpc('bus_deregister', { p_instance: 'nobody-here' });
    expect(scalar).toMatchObject({ data: false, error: null, status: 200 });

    const numbers = await service.rpc('rt_numbers', { p_upto: 3 });
    expect(numbers).toMatchObject({ data: [1, 2, 3], error: null });

    const voided = await service.rpc('rt_void');
    expect(voided).toMatchObject({ data: null, error: null, status: 204 });
  });

  it('uses the default of a parameter left out', async () => {
    await sendBusMessage(db.pool, { recipient: 'defaulted' });
    const claim = await service.rpc('bus_claim', { p_recipient: 'defaulted', p_instance: 'defaulted-1' });

    expect(claim.error).toBeNull();
    expect(claim.data).toHaveLength(1);
  });

  it('refuses the anon key with the permission error Postgres raises (401, 42501)', async () => {
    const refused = await anon.rpc('bus_claim', {
      p_recipient: 'claimer',
      p_instance: 'intruder',
      p_max: 1,
      p_lease_ms: 1_000,
    });

    expect(refused.data).toBeNull();
    expect(refused.status).toBe(401);
    expect(refused.error).toMatchObject({ code: '42501', message: 'permission denied for function bus_claim' });
  });

  it.each([
    ['23505', 409],
    ['23503', 409],
    ['P0001', 400],
    ['22023', 400],
    ['40001', 500],
    ['53300', 503],
  ])('maps SQLSTATE %s to HTTP %i with PostgREST error fields', async (code, expected) => {
    const { error, status } = await service.rpc('rt_raise', { p_code: code });

    expect(status).toBe(expected);
    expect(error).toEqual({ code, message: `raised ${code}`, details: 'some detail', hint: 'a hint' });
  });

  it('answers an unknown function or argument set with PGRST202 and 404', async () => {
    const { error, status } = await service.rpc('bus_claim', { p_recipient: 'x', p_nonsense: 1 });

    expect(status).toBe(404);
    expect(error).toMatchObject({
      code: 'PGRST202',
      message: 'Could not find the function public.bus_claim(p_nonsense, p_recipient) in the schema cache',
    });
  });

  it('refuses a request without an apikey, with an unknown apikey, or with an unknown bearer token', async () => {
    const missing = await rawRpc('bus_deregister', { body: { p_instance: 'x' } });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ message: 'No API key found in request' });

    const wrongKey = await rawRpc('bus_deregister', { headers: { apikey: 'not-a-key' }, body: { p_instance: 'x' } });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toMatchObject({ message: 'Invalid API key' });

    const wrongBearer = await rawRpc('bus_deregister', {
      headers: { apikey: SERVICE_KEY, Authorization: 'Bearer forged' },
      body: { p_instance: 'x' },
    });
    expect(wrongBearer.status).toBe(401);
    expect(wrongBearer.body).toMatchObject({ code: 'PGRST301' });
  });

  it('takes the role from the bearer token over the apikey, as PostgREST does', async () => {
    const asAnon = await rawRpc('bus_deregister', {
      headers: { apikey: SERVICE_KEY, Authorization: `Bearer ${ANON_KEY}` },
      body: { p_instance: 'x' },
    });
    expect(asAnon.status).toBe(401);
    expect(asAnon.body).toMatchObject({ code: '42501' });
  });

  it('refuses a schema that is not exposed and a method RPC does not take', async () => {
    const wrongSchema = await rawRpc('bus_deregister', {
      headers: { apikey: SERVICE_KEY, 'Content-Profile': 'private' },
      body: { p_instance: 'x' },
    });
    expect(wrongSchema).toEqual({
      status: 406,
      body: {
        code: 'PGRST106',
        message: 'Invalid schema: private',
        details: null,
        hint: 'Only the following schemas are exposed: public',
      },
    });

    const put = await rawRpc('bus_deregister', { method: 'PUT', headers: { apikey: SERVICE_KEY }, body: {} });
    expect(put.status).toBe(405);
    expect(put.body).toMatchObject({ code: 'PGRST101' });
  });

  it('runs GET calls read-only, so a volatile function fails with 405', async () => {
    const readOnly = await service.rpc('bus_deregister', { p_instance: 'x' }, { get: true });
    expect(readOnly.status).toBe(405);
    expect(readOnly.error).toMatchObject({ code: '25006' });

    const numbers = await service.rpc('rt_numbers', { p_upto: 2 }, { get: true });
    expect(numbers).toMatchObject({ data: [1, 2], error: null });
  });

  it('coerces a one-row result to an object for .single()', async () => {
    const single = await service.rpc('rt_numbers', { p_upto: 1 }).single();
    expect(single).toMatchObject({ data: 1, error: null });

    const tooMany = await service.rpc('rt_numbers', { p_upto: 2 }).single();
    expect(tooMany.status).toBe(406);
    expect(tooMany.error).toMatchObject({ code: 'PGRST116' });
  });
});
