import { lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ensureRealDirectory } from './real-directory';

export interface ArtifactFile {
  readonly name: string;
  readonly content: string;
}

/** Writes the logs and results of a run next to the workspace they belong to. */
@Injectable()
export class ArtifactRepository {
  /**
   * Writes each file into `directory`. The sandboxed code ran in the same tree, so anything
   * already at a target path (possibly a symlink pointing elsewhere) is removed, and the file is
   * created exclusively: the worker never writes through a link.
   */
  async write(directory: string, files: readonly ArtifactFile[]): Promise<void> {
    await ensureRealDirectory(directory);
    for (const file of files) {
      const path = join(directory, file.name);
      if (await lstat(path).catch(() => undefined)) await rm(path, { recursive: true, force: true });
      await writeFile(path, file.content, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    }
  }
}
