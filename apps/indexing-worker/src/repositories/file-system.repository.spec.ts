import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileSystemRepository } from './file-system.repository';

/** A temporary tree: `files` maps relative paths to contents. */
function aTree(files: Record<string, string | Buffer>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cogo-walk-')));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function walkedPaths(repository: FileSystemRepository, root: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const file of repository.walk(root)) paths.push(file.path);
  return paths;
}

describe(FileSystemRepository.name, () => {
  const repository = new FileSystemRepository();
  const roots: string[] = [];
  const tree = (files: Record<string, string | Buffer>): string => {
    const root = aTree(files);
    roots.push(root);
    return root;
  };

  afterAll(() => {
    for (const root of roots) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  describe('walk', () => {
    it('lists every file, depth-first in name order (files before subdirectories), with paths relative to the root and sizes', async () => {
      const root = tree({ 'b.ts': 'bb', 'a/z.md': 'z', 'a/c/d.json': '{}', 'A.txt': '' });
      const files = [];
      for await (const file of repository.walk(root)) files.push(file);
      expect(files).toEqual([
        { path: 'A.txt', absolutePath: join(root, 'A.txt'), sizeBytes: 0 },
        { path: 'b.ts', absolutePath: join(root, 'b.ts'), sizeBytes: 2 },
        { path: 'a/z.md', absolutePath: join(root, 'a/z.md'), sizeBytes: 1 },
        { path: 'a/c/d.json', absolutePath: join(root, 'a/c/d.json'), sizeBytes: 2 },
      ]);
    });

    it('honours the root .gitignore: globs, negation, directory-only and anchored patterns', async () => {
      const root = tree({
        '.gitignore': '*.log\n!keep.log\nbuild/\n/only-top.txt\n',
        'debug.log': '',
        'keep.log': '',
        'src/trace.log': '',
        'src/keep.log': '',
        'build/out.js': '',
        'src/build/out.js': '',
        'build.ts': '',
        'only-top.txt': '',
        'src/only-top.txt': '',
      });
      expect(await walkedPaths(repository, root)).toEqual([
        '.gitignore',
        'build.ts',
        'keep.log',
        'src/keep.log',
        'src/only-top.txt',
      ]);
    });

    it('honours nested .gitignore files relative to their own directory, deeper ones overriding', async () => {
      const root = tree({
        '.gitignore': '*.tmp\n',
        'x.tmp': '',
        'pkg/.gitignore': '!keep.tmp\n/generated/\ncache\n',
        'pkg/keep.tmp': '',
        'pkg/drop.tmp': '',
        'pkg/generated/a.ts': '',
        'pkg/src/generated/b.ts': '',
        'pkg/src/cache/c.ts': '',
        'pkg/src/keep.tmp': '',
        'other/generated/d.ts': '',
        'other/keep.tmp': '',
      });
      expect(await walkedPaths(repository, root)).toEqual([
        '.gitignore',
        'other/generated/d.ts',
        'pkg/.gitignore',
        'pkg/keep.tmp',
        'pkg/src/keep.tmp',
        'pkg/src/generated/b.ts',
      ]);
    });

    it('skips node_modules and .git at every depth, even without a .gitignore', async () => {
      const root = tree({
        'node_modules/dep/index.js': '',
        '.git/HEAD': 'ref: refs/heads/main',
        'packages/a/node_modules/dep/index.js': '',
        'packages/a/index.ts': '',
        'vendor/.git': 'gitdir: ../.git/modules/vendor',
      });
      expect(await walkedPaths(repository, root)).toEqual(['packages/a/index.ts']);
    });

    it('skips node_modules even when a .gitignore re-includes it', async () => {
      const root = tree({ '.gitignore': '!node_modules/\n', 'node_modules/dep/index.js': '', 'index.ts': '' });
      expect(await walkedPaths(repository, root)).toEqual(['.gitignore', 'index.ts']);
    });

    it('follows no symlink, so nothing outside the root is reached', async () => {
      const outside = tree({ 'secret.ts': 'export const secret = 1;', 'dir/inner.ts': '' });
      const root = tree({ 'real.ts': '', 'inside/kept.ts': '' });
      symlinkSync(join(outside, 'secret.ts'), join(root, 'link-to-file.ts'));
      symlinkSync(join(outside, 'dir'), join(root, 'link-to-dir'));
      symlinkSync(join(root, 'inside'), join(root, 'link-inside'));
      symlinkSync(root, join(root, 'inside/loop'));
      expect(await walkedPaths(repository, root)).toEqual(['real.ts', 'inside/kept.ts']);
    });

    it('does not follow a .gitignore that is a symlink', async () => {
      const outside = tree({ rules: '*.ts\n' });
      const root = tree({ 'a.ts': '' });
      symlinkSync(join(outside, 'rules'), join(root, '.gitignore'));
      expect(await walkedPaths(repository, root)).toEqual(['a.ts']);
    });

    it('skips FIFOs and other special files without blocking on them', async () => {
      const root = tree({ 'a.ts': '' });
      execFileSync('mkfifo', [join(root, 'pipe')]);
      expect(await walkedPaths(repository, root)).toEqual(['a.ts']);
    });

    it('agrees with git about which files are ignored', async () => {
      const root = tree({
        '.gitignore': '*.log\n!important.log\ndist/\n/root-only.txt\ndocs/**/draft-*.md\n# comment\n\\#hash.txt\n',
        'important.log': '',
        'x.log': '',
        'dist/a.js': '',
        'lib/dist/b.js': '',
        'root-only.txt': '',
        'lib/root-only.txt': '',
        'docs/draft-1.md': '',
        'docs/deep/draft-2.md': '',
        'docs/final.md': '',
        '#hash.txt': '',
        'lib/.gitignore': '!*.log\n/local/\nspace\\ name.txt\n*.gen.ts\n!keep.gen.ts\n',
        'lib/y.log': '',
        'lib/local/z.ts': '',
        'lib/sub/local/w.ts': '',
        'lib/space name.txt': '',
        'lib/a.gen.ts': '',
        'lib/keep.gen.ts': '',
        'lib/sub/.gitignore': 'keep.gen.ts\n',
        'lib/sub/keep.gen.ts': '',
        'lib/sub/other.ts': '',
      });
      const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
      execFileSync('git', ['init', '-q'], { cwd: root, env });
      const fromGit = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, env })
        .toString()
        .split('\0')
        .filter((path) => path !== '');
      const walked = await walkedPaths(repository, root);
      expect([...walked].sort()).toEqual([...fromGit].sort());
      expect(walked).toContain('lib/y.log');
      expect(walked).not.toContain('lib/sub/keep.gen.ts');
    });
  });

  describe('read', () => {
    it('reads a file up to the limit', async () => {
      const root = tree({ 'a.ts': 'export {};\n' });
      await expect(repository.read(join(root, 'a.ts'), 1024)).resolves.toEqual({
        status: 'read',
        content: Buffer.from('export {};\n'),
      });
    });

    it('reads an empty file', async () => {
      const root = tree({ 'empty.ts': '' });
      await expect(repository.read(join(root, 'empty.ts'), 1024)).resolves.toEqual({
        status: 'read',
        content: Buffer.alloc(0),
      });
    });

    it('reads a file over several chunks', async () => {
      const content = Buffer.alloc(200_000, 'x');
      const root = tree({ 'big.txt': content });
      const read = await repository.read(join(root, 'big.txt'), 1024 * 1024);
      expect(read.status === 'read' && read.content.equals(content)).toBe(true);
    });

    it('refuses a file over the limit', async () => {
      const root = tree({ 'big.txt': Buffer.alloc(2048, 'x') });
      await expect(repository.read(join(root, 'big.txt'), 1024)).resolves.toEqual({
        status: 'too-large',
        sizeBytes: 2048,
      });
    });

    it('does not follow a symlink, nor wait on a FIFO', async () => {
      const root = tree({ 'target.ts': 'x' });
      symlinkSync(join(root, 'target.ts'), join(root, 'link.ts'));
      execFileSync('mkfifo', [join(root, 'pipe')]);
      await expect(repository.read(join(root, 'link.ts'), 1024)).resolves.toMatchObject({ status: 'unavailable' });
      await expect(repository.read(join(root, 'pipe'), 1024)).resolves.toEqual({
        status: 'unavailable',
        reason: 'not a regular file',
      });
    });

    it('answers unavailable for a file that is gone', async () => {
      const root = tree({});
      await expect(repository.read(join(root, 'gone.ts'), 1024)).resolves.toMatchObject({ status: 'unavailable' });
    });
  });

  describe('resolveDirectory', () => {
    it('resolves a directory through symlinks to its real path', async () => {
      const root = tree({ 'a.ts': '' });
      const link = join(tree({}), 'link');
      symlinkSync(root, link);
      await expect(repository.resolveDirectory(link)).resolves.toEqual({ found: true, path: root });
    });

    it('resolves a relative path from the working directory', async () => {
      await expect(repository.resolveDirectory('.')).resolves.toEqual({
        found: true,
        path: realpathSync(process.cwd()),
      });
    });

    it('tells a missing path from a file', async () => {
      const root = tree({ 'file.ts': '' });
      await expect(repository.resolveDirectory(join(root, 'nope'))).resolves.toEqual({
        found: false,
        reason: 'missing',
      });
      await expect(repository.resolveDirectory(join(root, 'file.ts'))).resolves.toEqual({
        found: false,
        reason: 'not-a-directory',
      });
    });
  });
});
