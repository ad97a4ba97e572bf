/** The database roles a Supabase key maps to; PostgREST and Realtime switch to this role. */
export type DatabaseRole = 'service_role' | 'anon';

/**
 * The keys the test server accepts. Real Supabase keys are JWTs (or `sb_…` keys) carrying a role;
 * here they are opaque strings, each mapped to its role, so a test can use any value.
 */
export class ApiKeyRing {
  private readonly roles = new Map<string, DatabaseRole>();

  constructor(keys: { serviceRoleKey: string; anonKey?: string }) {
    if (!keys.serviceRoleKey) throw new Error('RealtimeTestServer needs a serviceRoleKey (any non-empty string).');
    this.roles.set(keys.serviceRoleKey, 'service_role');
    if (keys.anonKey !== undefined) {
      if (keys.anonKey === keys.serviceRoleKey) throw new Error('anonKey must differ from serviceRoleKey.');
      this.roles.set(keys.anonKey, 'anon');
    }
  }

  roleOf(key: string | null | undefined): DatabaseRole | undefined {
    return key ? this.roles.get(key) : undefined;
  }
}
