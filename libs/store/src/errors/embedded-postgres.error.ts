/** The embedded Postgres could not be initialised, started or stopped. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}
