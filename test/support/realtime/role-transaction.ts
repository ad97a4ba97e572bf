import type { Pool, PoolClient } from 'pg';
import type { DatabaseRole } from './api-key-ring';

export interface RoleTransactionOptions {
  /** PostgREST runs GET and HEAD requests read-only. */
  readonly readOnly?: boolean;
}

/**
 * Runs `work` in a transaction as `role`, the way PostgREST and Realtime do: the connection belongs
 * to a superuser, `set local role` drops its rights, so Postgres itself checks grants and RLS.
 */
export async function inRoleTransaction<T>(
  pool: Pool,
  role: DatabaseRole,
  work: (client: PoolClient) => Promise<T>,
  options: RoleTransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no listener of the pool's: a connection dying mid-transaction (a
  // database restart) would be an unhandled 'error' event. The running query fails with it anyway.
  const onError = (): void => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query(options.readOnly ? 'begin read only' : 'begin');
    // `role` is one of two literals (DatabaseRole), never user input.
    await client.query(`set local role ${role}`);
    await client.query(
      "select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.role', $2, true)",
      [JSON.stringify({ role }), role],
    );
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
