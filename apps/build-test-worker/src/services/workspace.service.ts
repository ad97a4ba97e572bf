import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import { InvalidWorkspaceException } from '../errors/invalid-workspace.exception';
import { WorkspaceNotFoundException } from '../errors/workspace-not-found.exception';
import { WorkspaceRepository } from '../repositories/workspace.repository';

export interface ResolvedWorkspace {
  /** The caller's path, normalized: relative to ARTIFACTS_BASE, posix separators. */
  readonly name: string;
  /** Canonical absolute directory (symlinks resolved), inside ARTIFACTS_BASE. */
  readonly dir: string;
}

/**
 * Turns the `workspace` of a request into a directory this worker may work in: it must name a
 * directory strictly inside ARTIFACTS_BASE, both as written and once every symlink is resolved.
 */
@Injectable()
export class WorkspaceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: WorkspaceRepository,
  ) {}

  async resolve(workspace: string): Promise<ResolvedWorkspace> {
    const name = this.normalize(workspace);
    const base = await this.files.realPath(this.config.artifactsBase);
    if (!base) throw new WorkspaceNotFoundException(workspace, 'cannot exist: ARTIFACTS_BASE is missing');
    const dir = await this.files.realPath(join(base, name));
    if (!dir) throw new WorkspaceNotFoundException(workspace);
    if (!isStrictlyInside(base, dir)) {
      throw new InvalidWorkspaceException(
        workspace,
        'resolves through a symlink to a directory outside ARTIFACTS_BASE',
      );
    }
    if (!(await this.files.isDirectory(dir))) throw new WorkspaceNotFoundException(workspace, 'is not a directory');
    return { name, dir };
  }

  /** The lexical checks, before the file system is touched. */
  private normalize(workspace: string): string {
    if (typeof workspace !== 'string' || workspace.trim() === '') {
      throw new InvalidWorkspaceException(String(workspace), 'is empty');
    }
    if (workspace.includes('\0')) throw new InvalidWorkspaceException(workspace, 'contains a NUL character');
    if (workspace.includes('\\')) throw new InvalidWorkspaceException(workspace, 'contains a backslash');
    if (isAbsolute(workspace)) throw new InvalidWorkspaceException(workspace, 'is an absolute path');
    const name = posix.normalize(workspace).replace(/\/+$/, '');
    if (name === '.' || name === '') throw new InvalidWorkspaceException(workspace, 'names ARTIFACTS_BASE itself');
    if (name === '..' || name.startsWith('../')) {
      throw new InvalidWorkspaceException(workspace, 'leads outside ARTIFACTS_BASE');
    }
    return name;
  }
}

function isStrictlyInside(base: string, path: string): boolean {
  const inside = relative(base, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}
