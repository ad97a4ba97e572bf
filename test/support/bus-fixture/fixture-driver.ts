import { type BusDriver, PostgresDriver, SupabaseDriver } from '@cogo/bus';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The driver a fixture process (or the test's caller) uses, from variables the test harness sets:
 * BUS_DRIVER=postgres with DATABASE_URL, or BUS_DRIVER=supabase with SUPABASE_URL and
 * SUPABASE_SERVICE_ROLE_KEY, and optionally the Realtime timings SUPABASE_RPC_TIMEOUT_MS,
 * SUPABASE_HEARTBEAT_MS, SUPABASE_JOIN_TIMEOUT_MS, SUPABASE_LIVE_TIMEOUT_MS,
 * SUPABASE_RECONNECT_INITIAL_MS, SUPABASE_RECONNECT_MAX_MS.
 */
export function fixtureDriver(env: Env, instanceId: string): BusDriver {
  const optional = (name: string): number | undefined => (env[name] === undefined ? undefined : Number(env[name]));
  switch (env.BUS_DRIVER ?? 'postgres') {
    case 'postgres':
      return new PostgresDriver({
        connectionString: required(env, 'DATABASE_URL'),
        applicationName: instanceId,
        keepAliveMs: 1_000,
      });
    case 'supabase':
      return new SupabaseDriver({
        url: required(env, 'SUPABASE_URL'),
        serviceRoleKey: required(env, 'SUPABASE_SERVICE_ROLE_KEY'),
        rpcTimeoutMs: optional('SUPABASE_RPC_TIMEOUT_MS'),
        heartbeatIntervalMs: optional('SUPABASE_HEARTBEAT_MS'),
        joinTimeoutMs: optional('SUPABASE_JOIN_TIMEOUT_MS'),
        liveTimeoutMs: optional('SUPABASE_LIVE_TIMEOUT_MS'),
        reconnectInitialMs: optional('SUPABASE_RECONNECT_INITIAL_MS'),
        reconnectMaxMs: optional('SUPABASE_RECONNECT_MAX_MS'),
      });
    default:
      throw new Error(`BUS_DRIVER must be postgres or supabase, got "${env.BUS_DRIVER}"`);
  }
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required by the fixture's bus driver`);
  return value;
}
