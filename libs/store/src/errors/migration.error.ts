/** A migration cannot be applied, or the applied history does not match the files on disk. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}
