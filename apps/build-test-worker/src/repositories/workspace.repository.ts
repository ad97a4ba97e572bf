import type { Dirent } from 'node:fs';
import { readdir, realpath, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ensureRealDirectory } from './real-directory';

export interface FindFilesOptions {
  readonly suffix: string;
  readonly maxFiles: number;
  readonly maxDepth: number;
}

/** Reads workspaces under ARTIFACTS_BASE. */
@Injectable()
export class WorkspaceRepository {
  /** The canonical path (symlinks resolved), or undefined when nothing is there. */
  async realPath(path: string): Promise<string | undefined> {
    try {
      return await realpath(path);
    } catch {
      return undefined;
    }
  }

  async isDirectory(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isDirectory();
    } catch {
      return false;
    }
  }

  /**
   * Files under `directory` whose names end with `suffix`, as sorted posix paths relative to
   * `root`. Symlinks are not followed (they could lead out of the workspace or loop) and
   * node_modules is skipped.
   */
  async findFiles(root: string, directory: string, options: FindFilesOptions): Promise<string[]> {
    const found: string[] = [];
    const walk = async (relative: string, depth: number): Promise<void> => {
      if (depth > options.maxDepth || found.length >= options.maxFiles) return;
      let entries: Dirent[];
      try {
        entries = await readdir(join(root, relative), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = posix.join(relative, entry.name);
        if (entry.isDirectory() && entry.name !== 'node_modules') await walk(path, depth + 1);
        else if (entry.isFile() && entry.name.endsWith(options.suffix) && found.length < options.maxFiles) {
          found.push(path);
        }
      }
    };
    await walk(directory, 0);
    return found;
  }

  /** Deletes a directory tree; symlinks inside it are removed, never followed. */
  removeDirectory(path: string): Promise<void> {
    return rm(path, { recursive: true, force: true });
  }

  /** A private scratch directory (the sandbox's TMPDIR). */
  prepareDirectory(path: string): Promise<void> {
    return ensureRealDirectory(path);
  }
}
