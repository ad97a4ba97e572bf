import { constants, type Dirent } from 'node:fs';
import { type FileHandle, access, lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { GitignoreRules } from '../source/gitignore.rules';

/** Never walked, whatever a `.gitignore` says: git's own data, and installed dependencies. */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/** A regular file found by `walk`. */
export interface WalkedFile {
  /** Relative to the root, '/'-separated. */
  readonly path: string;
  readonly absolutePath: string;
  readonly sizeBytes: number;
}

export type ResolvedDirectory =
  | { readonly found: true; readonly path: string }
  | { readonly found: false; readonly reason: 'missing' | 'not-a-directory' | 'unreadable' };

export type FileRead =
  | { readonly status: 'read'; readonly content: Buffer }
  /** It grew past the limit after the walk measured it. */
  | { readonly status: 'too-large'; readonly sizeBytes: number }
  /** Gone, replaced by something that is not a regular file, or not readable by this process. */
  | { readonly status: 'unavailable'; readonly reason: string };

/** The file system as the indexer sees it: a directory to resolve, a tree to walk, files to read. */
@Injectable()
export class FileSystemRepository {
  private readonly logger = new Logger(FileSystemRepository.name);

  /** `root` (relative paths from the working directory) with every symlink resolved, if it is a readable directory. */
  async resolveDirectory(root: string): Promise<ResolvedDirectory> {
    let path: string;
    try {
      path = await realpath(resolve(root));
      if (!(await stat(path)).isDirectory()) return { found: false, reason: 'not-a-directory' };
    } catch (error) {
      return { found: false, reason: errorCode(error) === 'EACCES' ? 'unreadable' : 'missing' };
    }
    try {
      await access(path, constants.R_OK | constants.X_OK);
    } catch {
      return { found: false, reason: 'unreadable' };
    }
    return { found: true, path };
  }

  /**
   * The regular files under `root` (a real path) that the `.gitignore` files at the root and
   * below do not exclude, depth-first in name order. `.git/` and `node_modules/` are never
   * entered. Symlinks are not followed — as git stores them, as links — so nothing outside the
   * root is ever reached, and no link cycle can trap the walk. A directory that cannot be read is
   * skipped with a warning.
   */
  async *walk(root: string): AsyncGenerator<WalkedFile> {
    const pending: { directory: string; rules: GitignoreRules }[] = [{ directory: '', rules: GitignoreRules.none() }];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const { directory } = next;
      const absoluteDirectory = directory === '' ? root : join(root, directory);
      let entries: Dirent[];
      try {
        entries = await readdir(absoluteDirectory, { withFileTypes: true });
      } catch (error) {
        this.logger.warn(`skipped ${absoluteDirectory}: ${describe(error)}`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const rules = await this.rulesOf(next.rules, directory, absoluteDirectory, entries);
      const subdirectories: string[] = [];
      for (const entry of entries) {
        if (ALWAYS_SKIPPED.has(entry.name)) continue;
        const path = directory === '' ? entry.name : `${directory}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!rules.ignores(path, true)) subdirectories.push(path);
        } else if (entry.isFile() && !rules.ignores(path, false)) {
          const absolutePath = join(root, path);
          const sizeBytes = await this.sizeOf(absolutePath);
          if (sizeBytes !== undefined) yield { path, absolutePath, sizeBytes };
        }
        // Anything else — a symlink, socket, FIFO or device — is neither followed nor read.
      }
      for (const subdirectory of subdirectories.reverse()) pending.push({ directory: subdirectory, rules });
    }
  }

  /**
   * The content of a file the walk found, if it is still a regular file of at most `limitBytes`.
   * Opened without following a symlink and without blocking, so a file swapped for a link or a
   * FIFO since the walk is refused instead of followed or waited on.
   */
  async read(absolutePath: string, limitBytes: number): Promise<FileRead> {
    let handle: FileHandle;
    try {
      handle = await open(absolutePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      return { status: 'unavailable', reason: describe(error) };
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return { status: 'unavailable', reason: 'not a regular file' };
      if (info.size > limitBytes) return { status: 'too-large', sizeBytes: info.size };
      // Read to the end rather than to the size fstat gave: the file may be growing.
      const chunkBytes = Math.min(info.size + 1, 64 * 1024);
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(chunkBytes);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        total += bytesRead;
        if (total > limitBytes) return { status: 'too-large', sizeBytes: total };
        chunks.push(chunk.subarray(0, bytesRead));
      }
      return { status: 'read', content: Buffer.concat(chunks, total) };
    } catch (error) {
      return { status: 'unavailable', reason: describe(error) };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private async rulesOf(
    inherited: GitignoreRules,
    directory: string,
    absoluteDirectory: string,
    entries: readonly Dirent[],
  ): Promise<GitignoreRules> {
    // A .gitignore that is a symlink is not followed, like every other link.
    if (!entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) return inherited;
    const read = await this.read(join(absoluteDirectory, '.gitignore'), 1024 * 1024);
    if (read.status !== 'read') {
      this.logger.warn(
        `ignored ${join(absoluteDirectory, '.gitignore')}: ${read.status === 'too-large' ? 'over 1 MB' : read.reason}`,
      );
      return inherited;
    }
    return inherited.with(directory, read.content.toString('utf8'));
  }

  private async sizeOf(absolutePath: string): Promise<number | undefined> {
    try {
      const info = await lstat(absolutePath);
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined; // gone since the directory was read
    }
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
