import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from '../errors/migration.error';

/** One file of `supabase/migrations`, named `<YYYYMMDDHHMMSS>_<name>.sql` as the Supabase CLI expects. */
export interface MigrationFile {
  readonly version: string;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly checksum: string;
}

const FILE_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/** Reads every migration of a directory, sorted by version. A stray file is an error, not skipped. */
export function readMigrationFiles(directory: string): MigrationFile[] {
  let entries: string[];
  try {
    entries = readdirSync(directory);
  } catch (error) {
    throw new MigrationError(`Cannot read the migrations directory ${directory}: ${String(error)}`);
  }
  const files = entries
    .filter((entry) => entry.endsWith('.sql'))
    .map((entry) => {
      const match = FILE_NAME.exec(entry);
      if (!match) {
        throw new MigrationError(
          `${entry} in ${directory} is not named <YYYYMMDDHHMMSS>_<name>.sql (lowercase name, digits and underscores). Rename it.`,
          entry,
        );
      }
      // Line endings are normalised so a checkout on Windows does not look like an edit.
      const sql = readFileSync(join(directory, entry), 'utf8').replace(/\r\n/g, '\n');
      return {
        version: match[1],
        name: match[2],
        file: entry,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < files.length; i++) {
    if (files[i].version === files[i - 1].version) {
      throw new MigrationError(
        `${files[i - 1].file} and ${files[i].file} share the version ${files[i].version}. Give one of them a later timestamp.`,
        files[i].file,
      );
    }
  }
  return files;
}
