import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';

const SYSTEM_DIRECTORIES = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Where the programs the sandbox runs live on this host. */
@Injectable()
export class ToolchainRepository {
  /** The Node binary running this worker: children use the same version. */
  nodeExecutable(): string {
    return process.execPath;
  }

  /** The `tsc` entry script of the `typescript` package this worker depends on, if installed. */
  typescriptCompiler(): string | undefined {
    try {
      return require.resolve('typescript/bin/tsc');
    } catch {
      return undefined;
    }
  }

  /**
   * A system executable (`prlimit`, `timeout`) as an absolute path. Only the standard system
   * directories are searched, not this process's PATH, so nothing in the environment can swap
   * the program that enforces the limits.
   */
  findExecutable(name: string): string | undefined {
    for (const directory of SYSTEM_DIRECTORIES) {
      const candidate = join(directory, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this directory.
      }
    }
    return undefined;
  }
}
