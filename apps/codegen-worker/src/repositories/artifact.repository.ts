import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import { ArtifactWriteException } from '../errors/artifact-write.exception';
import { UnsafeArtifactPathException } from '../errors/unsafe-artifact-path.exception';

export interface ArtifactFile {
  /** Relative to the workspace, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/**
 * The worker's only access to the file system: workspaces under ARTIFACTS_BASE.
 *
 * A workspace is written whole into a hidden staging directory beside it and then renamed into
 * place, so a reader (the build-test worker) sees the old workspace or the new one, never half of
 * one, and a redelivered request leaves no stale files of an earlier attempt behind.
 */
@Injectable()
export class ArtifactRepository {
  private readonly base: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.base = resolve(config.artifactsBase);
  }

  /** Replaces the workspace at `workspace` (relative to ARTIFACTS_BASE) with exactly `files`. */
  async writeWorkspace(workspace: string, files: readonly ArtifactFile[]): Promise<void> {
    const target = this.inside(this.base, workspace, 'ARTIFACTS_BASE');
    if (target === this.base) throw new UnsafeArtifactPathException(workspace, 'a workspace below ARTIFACTS_BASE');
    const targets = files.map((file) => ({ ...file, relativePath: this.relativeInside(target, file.path, workspace) }));

    const parent = dirname(target);
    const suffix = randomBytes(6).toString('hex');
    const staging = join(parent, `.staging-${suffix}`);
    const retired = join(parent, `.retired-${suffix}`);
    try {
      await mkdir(parent, { recursive: true });
      await this.assertNoSymlinkEscape(parent, workspace);
      await mkdir(staging);
      for (const file of targets) {
        const path = join(staging, file.relativePath);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content, { encoding: 'utf8', flag: 'wx' });
      }
      const replaced = await rename(target, retired).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      await rename(staging, target);
      if (replaced) await rm(retired, { recursive: true, force: true });
    } catch (error) {
      // Best effort: when the parent folder cannot be made, there is no staging folder to remove.
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      if (error instanceof UnsafeArtifactPathException) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ArtifactWriteException(workspace, code ?? (error instanceof Error ? error.message : 'unknown error'));
    }
  }

  private inside(root: string, path: string, rootName: string): string {
    if (path === '' || isAbsolute(path) || path.includes('\\') || path.includes('\0')) {
      throw new UnsafeArtifactPathException(path, rootName);
    }
    const resolved = resolve(root, path);
    if (resolved !== root && !resolved.startsWith(root + sep)) throw new UnsafeArtifactPathException(path, rootName);
    return resolved;
  }

  private relativeInside(workspaceDir: string, path: string, workspace: string): string {
    const resolved = this.inside(workspaceDir, path, `workspace "${workspace}"`);
    if (resolved === workspaceDir) throw new UnsafeArtifactPathException(path, `workspace "${workspace}"`);
    return relative(workspaceDir, resolved);
  }

  /** A directory inside ARTIFACTS_BASE that is a symbolic link to elsewhere would let writes escape. */
  private async assertNoSymlinkEscape(parent: string, workspace: string): Promise<void> {
    const [realBase, realParent] = await Promise.all([realpath(this.base), realpath(parent)]);
    if (realParent !== realBase && !realParent.startsWith(realBase + sep)) {
      throw new UnsafeArtifactPathException(workspace, 'ARTIFACTS_BASE (it leads through a symbolic link)');
    }
  }
}
