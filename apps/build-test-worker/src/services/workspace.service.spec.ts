import type { AppConfig } from '@cogo/config';
import { InvalidWorkspaceException } from '../errors/invalid-workspace.exception';
import { WorkspaceNotFoundException } from '../errors/workspace-not-found.exception';
import type { WorkspaceRepository } from '../repositories/workspace.repository';
import { WorkspaceService } from './workspace.service';

/** A file system of canonical paths: `links` maps a path to where its symlink resolves. */
function aFileSystem(options: { directories?: string[]; files?: string[]; links?: Record<string, string> }) {
  const directories = new Set(options.directories ?? []);
  const files = new Set(options.files ?? []);
  const links = options.links ?? {};
  const repository = {
    realPath: jest.fn((path: string) => {
      const target = links[path] ?? path;
      return Promise.resolve(directories.has(target) || files.has(target) ? target : undefined);
    }),
    isDirectory: jest.fn((path: string) => Promise.resolve(directories.has(path))),
  };
  return repository;
}

function aService(fileSystem: ReturnType<typeof aFileSystem>, artifactsBase = '/artifacts'): WorkspaceService {
  return new WorkspaceService({ artifactsBase } as AppConfig, fileSystem as unknown as WorkspaceRepository);
}

/** The exception a call should have thrown. */
async function failureOf(promise: Promise<unknown>): Promise<InvalidWorkspaceException> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as InvalidWorkspaceException,
  );
  if (!outcome) throw new Error('expected the workspace to be refused');
  return outcome;
}

describe(WorkspaceService.name, () => {
  const fileSystem = aFileSystem({
    directories: ['/artifacts', '/artifacts/trace/mod', '/artifacts-evil/x', '/outside'],
    files: ['/artifacts/trace/file.txt'],
    links: {
      '/artifacts/escape': '/outside',
      '/artifacts/sibling': '/artifacts-evil/x',
      '/artifacts/alias': '/artifacts/trace/mod',
    },
  });
  const service = aService(fileSystem);

  it('resolves a relative workspace to its canonical directory, normalizing the name', async () => {
    await expect(service.resolve('trace/./mod/')).resolves.toEqual({ name: 'trace/mod', dir: '/artifacts/trace/mod' });
  });

  it('accepts a symlink that stays inside ARTIFACTS_BASE', async () => {
    await expect(service.resolve('alias')).resolves.toEqual({ name: 'alias', dir: '/artifacts/trace/mod' });
  });

  it.each([
    ['../x', /leads outside ARTIFACTS_BASE/],
    ['trace/../../x', /leads outside ARTIFACTS_BASE/],
    ['..', /leads outside ARTIFACTS_BASE/],
    ['/etc', /is an absolute path/],
    ['.', /names ARTIFACTS_BASE itself/],
    ['trace/..', /names ARTIFACTS_BASE itself/],
    ['', /is empty/],
    ['trace\\..\\..\\x', /contains a backslash/],
    ['trace/\0', /contains a NUL character/],
  ])('refuses %j without touching the file system', async (workspace, reason) => {
    fileSystem.realPath.mockClear();
    const error = await failureOf(service.resolve(workspace));
    expect(error).toBeInstanceOf(InvalidWorkspaceException);
    expect(error.code).toBe('INVALID_WORKSPACE');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/relative to ARTIFACTS_BASE/);
    expect(fileSystem.realPath).not.toHaveBeenCalled();
  });

  it('refuses a symlink that leads outside, also to a directory whose name merely starts like the base', async () => {
    expect((await failureOf(service.resolve('escape'))).code).toBe('INVALID_WORKSPACE');
    const error = await failureOf(service.resolve('sibling'));
    expect(error).toBeInstanceOf(InvalidWorkspaceException);
    expect(error.message).toMatch(/symlink to a directory outside ARTIFACTS_BASE/);
  });

  it('reports a missing workspace as WORKSPACE_NOT_FOUND, telling to run codegen first', async () => {
    const error = await failureOf(service.resolve('trace/missing'));
    expect(error).toBeInstanceOf(WorkspaceNotFoundException);
    expect(error.message).toMatch(/"trace\/missing" does not exist.*Run codegen.generate first/);
  });

  it('reports a file where a workspace was expected as WORKSPACE_NOT_FOUND', async () => {
    await expect(service.resolve('trace/file.txt')).rejects.toThrow(/is not a directory/);
  });

  it('reports a missing ARTIFACTS_BASE as WORKSPACE_NOT_FOUND', async () => {
    const elsewhere = aService(aFileSystem({}), '/nowhere');
    expect((await failureOf(elsewhere.resolve('trace/mod'))).code).toBe('WORKSPACE_NOT_FOUND');
  });

  it('marks its errors as not retryable', async () => {
    expect((await failureOf(service.resolve('../x'))).retryable).toBe(false);
    expect((await failureOf(service.resolve('trace/missing'))).retryable).toBe(false);
  });
});
