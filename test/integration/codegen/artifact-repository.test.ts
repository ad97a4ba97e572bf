import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@cogo/config';
import { ArtifactRepository } from '../../../apps/codegen-worker/src/repositories/artifact.repository';

describe('ArtifactRepository on a real file system', () => {
  let root: string;
  let base: string;
  let artifacts: ArtifactRepository;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cogo-artifacts-'));
    base = join(root, 'artifacts');
    mkdirSync(base);
    artifacts = new ArtifactRepository(
      loadConfig('codegen-worker', { DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', ARTIFACTS_BASE: base }),
    );
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the folders and writes every file', async () => {
    await artifacts.writeWorkspace('trace/mod', [
      { path: 'package.json', content: '{}\n' },
      { path: 'src/deep/mod.ts', content: 'export {};\n' },
    ]);
    expect(readFileSync(join(base, 'trace/mod/package.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(join(base, 'trace/mod/src/deep/mod.ts'), 'utf8')).toBe('export {};\n');
  });

  it('replaces a workspace whole: files of an earlier attempt do not survive, and nothing is left beside it', async () => {
    await artifacts.writeWorkspace('trace/mod', [
      { path: 'src/old.ts', content: 'old' },
      { path: 'src/mod.ts', content: 'first' },
    ]);
    await artifacts.writeWorkspace('trace/mod', [{ path: 'src/mod.ts', content: 'second' }]);
    expect(readdirSync(join(base, 'trace/mod/src'))).toEqual(['mod.ts']);
    expect(readFileSync(join(base, 'trace/mod/src/mod.ts'), 'utf8')).toBe('second');
    expect(readdirSync(join(base, 'trace'))).toEqual(['mod']);
  });

  it.each([
    ['a workspace that climbs out of ARTIFACTS_BASE', '../outside', [{ path: 'a.ts', content: '' }]],
    ['an absolute workspace', '/tmp/x', [{ path: 'a.ts', content: '' }]],
    ['ARTIFACTS_BASE itself', '.', [{ path: 'a.ts', content: '' }]],
    ['a file that climbs out of the workspace', 'trace/mod', [{ path: '../../../escape.ts', content: '' }]],
    ['an absolute file path', 'trace/mod', [{ path: '/etc/passwd', content: '' }]],
    ['a backslash path', 'trace/mod', [{ path: '..\\escape.ts', content: '' }]],
  ])('refuses %s with UNSAFE_ARTIFACT_PATH and writes nothing', async (_what, workspace, files) => {
    await expect(artifacts.writeWorkspace(workspace, files)).rejects.toMatchObject({
      code: 'UNSAFE_ARTIFACT_PATH',
      retryable: false,
    });
    expect(readdirSync(base)).toEqual([]);
    expect(existsSync(join(root, 'escape.ts'))).toBe(false);
    expect(existsSync(join(root, 'outside'))).toBe(false);
  });

  it('refuses to write through a symbolic link that leads out of ARTIFACTS_BASE', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(base, 'trace'));
    await expect(artifacts.writeWorkspace('trace/mod', [{ path: 'a.ts', content: '' }])).rejects.toMatchObject({
      code: 'UNSAFE_ARTIFACT_PATH',
    });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('reports a file system refusal as a retryable ARTIFACT_WRITE_FAILED and cleans up its staging folder', async () => {
    // A file where the workspace's parent folder should be: mkdir fails with ENOTDIR / EEXIST.
    await artifacts.writeWorkspace('blocker', [{ path: 'x', content: '' }]);
    const error = (await artifacts
      .writeWorkspace('blocker/x/mod', [{ path: 'a.ts', content: '' }])
      .catch((caught: unknown) => caught)) as { code: string; retryable: boolean; message: string };
    expect(error).toMatchObject({ code: 'ARTIFACT_WRITE_FAILED', retryable: true });
    expect(error.message).toMatch(/^Could not write workspace "blocker\/x\/mod": E[A-Z]+\. Check that ARTIFACTS_BASE/);
    expect(readdirSync(join(base, 'blocker'))).toEqual(['x']);
  });
});
