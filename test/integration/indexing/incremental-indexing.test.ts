import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BusClient, BusRpcException } from '@cogo/bus';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import type { IndexedFile } from '../../../apps/indexing-worker/src/interfaces/indexed-file.interface';
import { IndexingService } from '../../../apps/indexing-worker/src/indexing.service';
import { ClockRepository } from '../../../apps/indexing-worker/src/repositories/clock.repository';
import { CodeIndexRepository } from '../../../apps/indexing-worker/src/repositories/code-index.repository';
import { FileSystemRepository } from '../../../apps/indexing-worker/src/repositories/file-system.repository';
import { type IndexingWorker, TempTree, filesOf, startIndexingWorker, symbolsOf } from './indexing-worker.harness';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

const A_TS = `export interface Cart {
  items: string[];
}

export function total(cart: Cart): number {
  return cart.items.length;
}
`;

const B_TS = `import type { Cart } from './a';

export const emptyCart = (): Cart => ({ items: [] });

class Internal {}
`;

describe('incremental indexing', () => {
  let db: TestDatabase;
  let worker: IndexingWorker;
  const trees: TempTree[] = [];

  function aTree(files: Record<string, string>): TempTree {
    const tree = new TempTree(files);
    trees.push(tree);
    return tree;
  }

  const index = (tree: TempTree, repository: string, signal?: AbortSignal) =>
    worker.service.index({ root: tree.root, repository }, { traceId: TRACE_ID, signal });

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startIndexingWorker(db.url);
  });

  afterAll(async () => {
    await worker?.close();
    await db?.drop();
    for (const tree of trees) tree.dispose();
  });

  it('skips every file on a second run over an unchanged tree, leaving the same rows', async () => {
    const tree = aTree({ '.gitignore': 'out/\n', 'README.md': '# Shop\n', 'src/a.ts': A_TS, 'src/b.ts': B_TS });
    tree.write('out/generated.js', 'export const generated = 1;\n');

    const first = await index(tree, 'twice');
    const filesBefore = await filesOf(db.pool, 'twice');
    const symbolsBefore = await symbolsOf(db.pool, 'twice');
    const second = await index(tree, 'twice');

    expect(first).toMatchObject({ filesSeen: 4, filesIndexed: 4, filesUnchanged: 0, filesDeleted: 0, symbols: 4 });
    expect(second).toMatchObject({ filesSeen: 4, filesIndexed: 0, filesUnchanged: 4, filesDeleted: 0, symbols: 4 });
    expect(await filesOf(db.pool, 'twice')).toEqual(filesBefore);
    expect(await symbolsOf(db.pool, 'twice')).toEqual(symbolsBefore);
    expect(filesBefore.map((file) => [file.path, file.language, file.lines])).toEqual([
      ['.gitignore', 'other', 1],
      ['README.md', 'md', 1],
      ['src/a.ts', 'ts', 7],
      ['src/b.ts', 'ts', 5],
    ]);
    expect(
      symbolsBefore.map(({ path, name, kind, line, end_line, exported }) => [
        path,
        name,
        kind,
        line,
        end_line,
        exported,
      ]),
    ).toEqual([
      ['src/a.ts', 'Cart', 'interface', 1, 3, true],
      ['src/a.ts', 'total', 'function', 5, 7, true],
      ['src/b.ts', 'emptyCart', 'function', 3, 3, true],
      ['src/b.ts', 'Internal', 'class', 5, 5, false],
    ]);
  });

  it('rewrites only a modified file, replacing its symbols', async () => {
    const tree = aTree({ 'src/a.ts': A_TS, 'src/b.ts': B_TS });
    await index(tree, 'modified');
    const untouched = (await filesOf(db.pool, 'modified')).find((file) => file.path === 'src/b.ts');

    tree.write('src/a.ts', 'export enum Currency {\n  EUR,\n}\n');
    const result = await index(tree, 'modified');

    expect(result).toMatchObject({ filesSeen: 2, filesIndexed: 1, filesUnchanged: 1, filesDeleted: 0, symbols: 3 });
    const symbols = await symbolsOf(db.pool, 'modified');
    expect(symbols.filter((symbol) => symbol.path === 'src/a.ts')).toEqual([
      { path: 'src/a.ts', name: 'Currency', kind: 'enum', line: 1, end_line: 3, exported: true },
    ]);
    expect((await filesOf(db.pool, 'modified')).find((file) => file.path === 'src/b.ts')).toEqual(untouched);
  });

  it('removes a deleted file with its symbols', async () => {
    const tree = aTree({ 'src/a.ts': A_TS, 'src/b.ts': B_TS });
    await index(tree, 'deleted');

    tree.remove('src/b.ts');
    const result = await index(tree, 'deleted');

    expect(result).toMatchObject({ filesSeen: 1, filesIndexed: 0, filesUnchanged: 1, filesDeleted: 1, symbols: 2 });
    expect((await filesOf(db.pool, 'deleted')).map((file) => file.path)).toEqual(['src/a.ts']);
    expect((await symbolsOf(db.pool, 'deleted')).map((symbol) => symbol.path)).toEqual(['src/a.ts', 'src/a.ts']);
  });

  it('removes files that a .gitignore excludes since the last run', async () => {
    const tree = aTree({ 'src/a.ts': A_TS, 'notes/todo.md': '- ship\n' });
    await index(tree, 'newly-ignored');
    tree.write('.gitignore', 'notes/\n');
    const result = await index(tree, 'newly-ignored');
    expect(result).toMatchObject({ filesIndexed: 1, filesDeleted: 1 });
    expect((await filesOf(db.pool, 'newly-ignored')).map((file) => file.path)).toEqual(['.gitignore', 'src/a.ts']);
  });

  it('lists binary and large files without lines or symbols, and never follows a symlink', async () => {
    const data = `[${'1,'.repeat(600_000)}1]`; // 1.2 MB: over the 1 MB limit
    const tree = aTree({ 'logo.ts': 'GIF89a\u0000\u0001', 'data.json': data });
    const outside = aTree({ 'secret.ts': 'export const secret = 1;\n' });
    symlinkSync(join(outside.root, 'secret.ts'), join(tree.root, 'secret.ts'));
    symlinkSync(outside.root, join(tree.root, 'outside'));

    const first = await index(tree, 'opaque');
    const second = await index(tree, 'opaque');

    expect(first).toMatchObject({ filesSeen: 2, filesIndexed: 2, symbols: 0 });
    expect(second).toMatchObject({ filesSeen: 2, filesIndexed: 0, filesUnchanged: 2 });
    expect(
      (await filesOf(db.pool, 'opaque')).map(({ path, language, size_bytes, sha256, lines }) => ({
        path,
        language,
        size_bytes,
        hashed: sha256 !== null,
        lines,
      })),
    ).toEqual([
      { path: 'data.json', language: 'large', size_bytes: String(data.length), hashed: false, lines: null },
      { path: 'logo.ts', language: 'binary', size_bytes: '8', hashed: true, lines: null },
    ]);
  });

  it('refuses to run while another run holds the repository, with a retryable error', async () => {
    const tree = aTree({ 'a.ts': A_TS });
    const lock = await worker.app.get(CodeIndexRepository).lock('busy');
    try {
      const error = await index(tree, 'busy').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BusRpcException);
      expect(error).toMatchObject({ code: 'INDEX_IN_PROGRESS', retryable: true });
    } finally {
      await lock?.release();
    }
    await expect(index(tree, 'busy')).resolves.toMatchObject({ filesIndexed: 1 });
  });

  it('keeps what an aborted run wrote, consistent, and the next run resumes from it', async () => {
    const files = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}.ts`, `export function f${i}() {}\n`]));
    const tree = aTree(files);
    const abort = new AbortController();
    // The real repositories and database, with small batches and an abort after the second one.
    class AbortingCodeIndex extends CodeIndexRepository {
      private batches = 0;
      override async writeFiles(repository: string, batch: readonly IndexedFile[]): Promise<void> {
        await super.writeFiles(repository, batch);
        if (++this.batches === 2) abort.abort(new Error('lease lost'));
      }
    }
    const service = new IndexingService(
      new FileSystemRepository(),
      new AbortingCodeIndex(db.pool),
      new ClockRepository(),
      worker.app.get(BusClient),
      { batchSize: 2, progressEvery: 100, maxFileBytes: 1024 * 1024 },
    );

    const error = await service
      .index({ root: tree.root, repository: 'aborted' }, { traceId: TRACE_ID, signal: abort.signal })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'INDEX_ABORTED', retryable: true });
    const written = await filesOf(db.pool, 'aborted');
    expect(written).toHaveLength(4);
    const symbols = await symbolsOf(db.pool, 'aborted');
    // Every file written has its symbols: nothing half-done.
    expect(symbols.map((symbol) => symbol.path)).toEqual(written.map((file) => file.path));

    const resumed = await index(tree, 'aborted');
    expect(resumed).toMatchObject({ filesSeen: 7, filesIndexed: 3, filesUnchanged: 4, symbols: 7 });
  });

  it('lets a name follow its directory: indexing another root under the same name mirrors that root', async () => {
    const first = aTree({ 'a.ts': A_TS, 'only-first.md': '' });
    const second = aTree({ 'a.ts': A_TS, 'only-second.md': '' });
    await index(first, 'moved');
    const result = await index(second, 'moved');
    expect(result).toMatchObject({ filesSeen: 2, filesIndexed: 1, filesUnchanged: 1, filesDeleted: 1 });
    expect((await filesOf(db.pool, 'moved')).map((file) => file.path)).toEqual(['a.ts', 'only-second.md']);
    const { rows } = await db.pool.query<{ root: string }>("select root from code_repositories where name = 'moved'");
    expect(rows).toEqual([{ root: second.root }]);
  });
});
