import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { createPgPool, runMigrations, SUPABASE_ROLES_SQL } from '@cogo/store';
import { createEmptyDatabase } from '../../support/test-database';

/**
 * What a new Supabase project has before any migration runs: the three API roles, USAGE on
 * `public` for them, and default privileges that grant every new table, function and sequence
 * created in `public` to anon and authenticated. Only the migrations' own revokes stand between
 * those grants and the Data API, so this is the database the security checks must pass on.
 */
const SUPABASE_PROJECT_DEFAULTS_SQL = `
${SUPABASE_ROLES_SQL}
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
`;

export interface SupabaseLikeDatabase {
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/** A new database with Supabase's default privileges, then every migration applied by the runner. */
export async function createSupabaseLikeDatabase(): Promise<SupabaseLikeDatabase> {
  const empty = await createEmptyDatabase();
  const pool = createPgPool({ connectionString: empty.url, max: 4, applicationName: 'cogo-test' });
  try {
    await pool.query(SUPABASE_PROJECT_DEFAULTS_SQL);
    await runMigrations(pool, { directory: resolve(__dirname, '../../../supabase/migrations') });
  } catch (error) {
    await pool.end();
    await empty.drop();
    throw error;
  }
  return {
    url: empty.url,
    pool,
    async drop() {
      await pool.end();
      await empty.drop();
    },
  };
}
