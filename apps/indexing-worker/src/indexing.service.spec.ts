import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type Observable, of, throwError } from 'rxjs';
import { BusRpcException, type BusClient } from '@cogo/bus';
import { Events, type IndexResult } from '@cogo/contracts';
import { type IndexingOptions } from './indexing.options';
import { IndexingService } from './indexing.service';
import type { IndexedFile, StoredFile } from './interfaces/indexed-file.interface';
import type { ClockRepository } from './repositories/clock.repository';
import type { CodeIndexLock, CodeIndexRepository, RepositoryTotals } from './repositories/code-index.repository';
import {
  type FileRead,
  FileSystemRepository,
  type ResolvedDirectory,
  type WalkedFile,
} from './repositories/file-system.repository';

const ROOT = '/srv/checkouts/shop';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** A tree in memory: the walk yields its paths in insertion order; `read` serves their contents. */
class InMemoryFiles extends FileSystemRepository {
  readonly reads: string[] = [];
  readonly unreadable = new Set<string>();
  /** Called before each file is yielded: lets a test act mid-walk. */
  onWalk: (path: string) => void = () => undefined;

  constructor(
    readonly contents: Map<string, Buffer>,
    private readonly resolved: ResolvedDirectory = { found: true, path: ROOT },
  ) {
    super();
  }

  override resolveDirectory(): Promise<ResolvedDirectory> {
    return Promise.resolve(this.resolved);
  }

  override async *walk(root: string): AsyncGenerator<WalkedFile> {
    await Promise.resolve();
    for (const [path, content] of this.contents) {
      this.onWalk(path);
      yield { path, absolutePath: `${root}/${path}`, sizeBytes: content.length };
    }
  }

  override read(absolutePath: string, limitBytes: number): Promise<FileRead> {
    const path = absolutePath.slice(ROOT.length + 1);
    this.reads.push(path);
    const content = this.contents.get(path);
    if (!content || this.unreadable.has(path)) return Promise.resolve({ status: 'unavailable', reason: 'EACCES' });
    if (content.length > limitBytes) return Promise.resolve({ status: 'too-large', sizeBytes: content.length });
    return Promise.resolve({ status: 'read', content });
  }
}

function treeOf(files: Record<string, string | Buffer>): Map<string, Buffer> {
  return new Map(Object.entries(files).map(([path, content]) => [path, Buffer.from(content)]));
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The code index in memory, recording every call, with jest mocks for assertions. */
function aCodeIndex(stored: Record<string, StoredFile> = {}) {
  const lock: { release: jest.Mock<Promise<void>, []> } = {
    release: jest.fn(() => Promise.resolve()),
  };
  const written: IndexedFile[][] = [];
  const mocks = {
    lock: jest.fn<Promise<CodeIndexLock | undefined>, [string]>(() => Promise.resolve(lock)),
    saveRepository: jest.fn<Promise<void>, [string, string]>(() => Promise.resolve()),
    storedFiles: jest.fn<Promise<Map<string, StoredFile>>, [string]>(() =>
      Promise.resolve(new Map(Object.entries(stored))),
    ),
    writeFiles: jest.fn<Promise<void>, [string, readonly IndexedFile[]]>((_repository, files) => {
      written.push([...files]);
      return Promise.resolve();
    }),
    deleteFiles: jest.fn<Promise<number>, [string, readonly string[]]>((_repository, paths) =>
      Promise.resolve(paths.length),
    ),
    finishRun: jest.fn<Promise<RepositoryTotals>, [string, string]>(() => Promise.resolve({ files: 0, symbols: 42 })),
  } satisfies Record<keyof CodeIndexRepository, jest.Mock>;
  return { mocks, lock, written };
}

function aBus() {
  return {
    emit: jest.fn<Observable<unknown>, [string, unknown]>(() => of(undefined)),
  } satisfies Partial<Record<keyof BusClient, jest.Mock>>;
}

function aClock(...readings: number[]) {
  return {
    monotonicMs: jest.fn<number, []>(() => readings.shift() ?? 0),
  } satisfies Record<keyof ClockRepository, jest.Mock>;
}

interface Harness {
  service: IndexingService;
  files: InMemoryFiles;
  codeIndex: ReturnType<typeof aCodeIndex>;
  bus: ReturnType<typeof aBus>;
}

function aService(
  files: InMemoryFiles,
  options: { stored?: Record<string, StoredFile>; tuning?: Partial<IndexingOptions>; clock?: number[] } = {},
): Harness {
  const codeIndex = aCodeIndex(options.stored);
  const bus = aBus();
  const service = new IndexingService(
    files,
    // Cast only past the classes' private fields: every public method is a typed mock.
    codeIndex.mocks as unknown as CodeIndexRepository,
    aClock(...(options.clock ?? [1_000, 1_250])),
    bus as unknown as BusClient,
    { batchSize: 200, progressEvery: 200, maxFileBytes: 1024, ...options.tuning },
  );
  return { service, files, codeIndex, bus };
}

function emitted(bus: ReturnType<typeof aBus>, type: string): unknown[] {
  return bus.emit.mock.calls.filter(([pattern]) => pattern === type).map(([, data]) => data);
}

async function failureOf(promise: Promise<unknown>): Promise<BusRpcException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BusRpcException)) throw new Error(`expected a BusRpcException, got ${String(error)}`);
  return error;
}

const SERVICE_TS =
  'export class Shop {\n  run(): void {}\n}\n\nexport function open(): Shop {\n  return new Shop();\n}\n';

describe(IndexingService.name, () => {
  let warnings: jest.SpyInstance<void, Parameters<Logger['warn']>>;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('indexes every file of a new repository: language, size, hash, lines and symbols', async () => {
    const { service, codeIndex, bus } = aService(
      new InMemoryFiles(treeOf({ 'src/shop.ts': SERVICE_TS, 'package.json': '{}\n', 'README.md': '# Shop\n\nHi\n' })),
    );

    const result = await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });

    expect(result).toEqual<IndexResult>({
      repository: 'shop',
      filesSeen: 3,
      filesIndexed: 3,
      filesUnchanged: 0,
      filesDeleted: 0,
      symbols: 42,
      durationMs: 250,
    });
    expect(codeIndex.mocks.saveRepository).toHaveBeenCalledWith('shop', ROOT);
    expect(codeIndex.written).toEqual([
      [
        {
          path: 'src/shop.ts',
          language: 'ts',
          sizeBytes: Buffer.byteLength(SERVICE_TS),
          sha256: sha256(SERVICE_TS),
          lines: 7,
          symbols: [
            { name: 'Shop', kind: 'class', line: 1, endLine: 3, exported: true },
            { name: 'open', kind: 'function', line: 5, endLine: 7, exported: true },
          ],
        },
        { path: 'package.json', language: 'json', sizeBytes: 3, sha256: sha256('{}\n'), lines: 1, symbols: [] },
        { path: 'README.md', language: 'md', sizeBytes: 11, sha256: sha256('# Shop\n\nHi\n'), lines: 3, symbols: [] },
      ],
    ]);
    expect(codeIndex.mocks.finishRun).toHaveBeenCalledWith('shop', TRACE_ID);
    expect(emitted(bus, Events.IndexCompleted)).toEqual([result]);
    expect(codeIndex.lock.release).toHaveBeenCalledTimes(1);
  });

  it('names the repository after the root directory when no name is given', async () => {
    const { service, codeIndex } = aService(new InMemoryFiles(treeOf({ 'a.ts': '' })));
    const result = await service.index({ root: ROOT }, { traceId: TRACE_ID });
    expect(result.repository).toBe('shop');
    expect(codeIndex.mocks.lock).toHaveBeenCalledWith('shop');
  });

  it('skips files whose hash is unchanged, rewrites changed ones and removes deleted ones', async () => {
    const files = new InMemoryFiles(
      treeOf({ 'same.ts': 'export const a = 1;\n', 'changed.ts': 'export const b = 2;\n' }),
    );
    const { service, codeIndex } = aService(files, {
      stored: {
        'same.ts': { language: 'ts', sizeBytes: 20, sha256: sha256('export const a = 1;\n') },
        'changed.ts': { language: 'ts', sizeBytes: 20, sha256: sha256('export const b = 1;\n') },
        'gone.ts': { language: 'ts', sizeBytes: 5, sha256: sha256('gone\n') },
      },
    });

    const result = await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });

    expect(result).toMatchObject({ filesSeen: 2, filesIndexed: 1, filesUnchanged: 1, filesDeleted: 1 });
    expect(codeIndex.written.flat().map((file) => file.path)).toEqual(['changed.ts']);
    expect(codeIndex.mocks.deleteFiles).toHaveBeenCalledWith('shop', ['gone.ts']);
  });

  it('writes nothing and deletes nothing when nothing changed', async () => {
    const { service, codeIndex } = aService(new InMemoryFiles(treeOf({ 'a.ts': 'a' })), {
      stored: { 'a.ts': { language: 'ts', sizeBytes: 1, sha256: sha256('a') } },
    });
    const result = await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });
    expect(result).toMatchObject({ filesSeen: 1, filesIndexed: 0, filesUnchanged: 1, filesDeleted: 0 });
    expect(codeIndex.mocks.writeFiles).not.toHaveBeenCalled();
    expect(codeIndex.mocks.deleteFiles).not.toHaveBeenCalled();
  });

  it('records binary files without lines or symbols', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0a]);
    const { service, codeIndex } = aService(new InMemoryFiles(new Map([['logo.ts', png]])));
    await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });
    expect(codeIndex.written.flat()).toEqual([
      { path: 'logo.ts', language: 'binary', sizeBytes: 7, sha256: sha256(png), lines: null, symbols: [] },
    ]);
  });

  it('records files over the size limit as large without reading them, and skips them while their size stays', async () => {
    const files = new InMemoryFiles(treeOf({ 'big.json': 'x'.repeat(2048), 'grown.json': 'y'.repeat(4096) }));
    const { service, codeIndex } = aService(files, {
      stored: { 'big.json': { language: 'large', sizeBytes: 2048, sha256: null } },
    });

    const result = await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });

    expect(files.reads).toEqual([]);
    expect(result).toMatchObject({ filesSeen: 2, filesIndexed: 1, filesUnchanged: 1 });
    expect(codeIndex.written.flat()).toEqual([
      { path: 'grown.json', language: 'large', sizeBytes: 4096, sha256: null, lines: null, symbols: [] },
    ]);
  });

  it('counts a file it cannot read as absent, removing an earlier copy from the index', async () => {
    const files = new InMemoryFiles(treeOf({ 'locked.ts': 'x', 'open.ts': 'y' }));
    files.unreadable.add('locked.ts');
    const { service, codeIndex } = aService(files, {
      stored: { 'locked.ts': { language: 'ts', sizeBytes: 1, sha256: sha256('x') } },
    });
    const result = await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });
    expect(result).toMatchObject({ filesSeen: 1, filesIndexed: 1, filesDeleted: 1 });
    expect(codeIndex.mocks.deleteFiles).toHaveBeenCalledWith('shop', ['locked.ts']);
    expect(warnings).toHaveBeenCalledWith('skipped locked.ts: EACCES');
  });

  it('writes in batches and reports progress every N files, then while pruning', async () => {
    const tree = treeOf(
      Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.ts`, `export const f${i} = ${i};`])),
    );
    const { service, codeIndex, bus } = aService(new InMemoryFiles(tree), {
      tuning: { batchSize: 2, progressEvery: 2 },
      stored: Object.fromEntries(
        ['old1.ts', 'old2.ts', 'old3.ts'].map((path) => [path, { language: 'ts', sizeBytes: 1, sha256: sha256(path) }]),
      ),
    });

    await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });

    expect(codeIndex.written.map((batch) => batch.map((file) => file.path))).toEqual([
      ['f0.ts', 'f1.ts'],
      ['f2.ts', 'f3.ts'],
      ['f4.ts'],
    ]);
    expect(codeIndex.mocks.deleteFiles.mock.calls).toEqual([
      ['shop', ['old1.ts', 'old2.ts']],
      ['shop', ['old3.ts']],
    ]);
    expect(emitted(bus, Events.IndexProgress)).toEqual([
      { repository: 'shop', filesSeen: 2, filesIndexed: 2, phase: 'indexing' },
      { repository: 'shop', filesSeen: 4, filesIndexed: 4, phase: 'indexing' },
      { repository: 'shop', filesSeen: 5, filesIndexed: 5, phase: 'pruning' },
    ]);
    expect(bus.emit.mock.calls.map(([pattern]) => pattern).at(-1)).toBe(Events.IndexCompleted);
  });

  it('finishes the run when a progress event cannot be published', async () => {
    const { service, bus } = aService(new InMemoryFiles(treeOf({ 'a.ts': '' })));
    bus.emit.mockImplementation((pattern) =>
      pattern === Events.IndexProgress ? throwError(() => new Error('bus down')) : of(undefined),
    );
    await expect(service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID })).resolves.toMatchObject({
      filesIndexed: 1,
    });
    expect(emitted(bus, Events.IndexCompleted)).toHaveLength(1);
  });

  it('refuses a root that is missing or not a directory, permanently, before touching the index', async () => {
    for (const reason of ['missing', 'not-a-directory', 'unreadable'] as const) {
      const { service, codeIndex } = aService(new InMemoryFiles(new Map(), { found: false, reason }));
      const error = await failureOf(service.index({ root: '/nope', repository: 'shop' }, { traceId: TRACE_ID }));
      expect(error.code).toBe('INDEX_ROOT_NOT_FOUND');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('/nope');
      expect(codeIndex.mocks.lock).not.toHaveBeenCalled();
    }
  });

  it('refuses a root whose base name is no repository name, asking for one', async () => {
    const { service } = aService(new InMemoryFiles(new Map(), { found: true, path: '/srv/my shop' }));
    const error = await failureOf(service.index({ root: '/srv/my shop' }, { traceId: TRACE_ID }));
    expect(error.code).toBe('INDEX_REPOSITORY_NAME_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Pass `repository`');
  });

  it('answers a retryable error while another run indexes the same repository', async () => {
    const { service, codeIndex } = aService(new InMemoryFiles(treeOf({ 'a.ts': '' })));
    codeIndex.mocks.lock.mockResolvedValueOnce(undefined);
    const error = await failureOf(service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID }));
    expect(error.code).toBe('INDEX_IN_PROGRESS');
    expect(error.retryable).toBe(true);
    expect(codeIndex.mocks.saveRepository).not.toHaveBeenCalled();
  });

  it('stops when the signal aborts, with a retryable error, keeping what was written and releasing the lock', async () => {
    const files = new InMemoryFiles(treeOf({ 'a.ts': 'a', 'b.ts': 'b', 'c.ts': 'c' }));
    const abort = new AbortController();
    files.onWalk = (path) => {
      if (path === 'c.ts') abort.abort(new Error('lease lost'));
    };
    const { service, codeIndex, bus } = aService(files, { tuning: { batchSize: 1 } });

    const error = await failureOf(
      service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID, signal: abort.signal }),
    );

    expect(error.code).toBe('INDEX_ABORTED');
    expect(error.retryable).toBe(true);
    expect(codeIndex.written.flat().map((file) => file.path)).toEqual(['a.ts', 'b.ts']);
    expect(codeIndex.mocks.deleteFiles).not.toHaveBeenCalled();
    expect(codeIndex.mocks.finishRun).not.toHaveBeenCalled();
    expect(emitted(bus, Events.IndexCompleted)).toEqual([]);
    expect(codeIndex.lock.release).toHaveBeenCalledTimes(1);
  });

  it('releases the lock when writing fails, and lets the error through to be retried', async () => {
    const { service, codeIndex } = aService(new InMemoryFiles(treeOf({ 'a.ts': 'a' })));
    codeIndex.mocks.writeFiles.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID })).rejects.toThrow(
      'connection terminated',
    );
    expect(codeIndex.lock.release).toHaveBeenCalledTimes(1);
  });

  it('keeps a file whose symbols cannot be parsed, with what the parser recovered', async () => {
    const broken = 'export class {\n  oops(\n}\nexport function fine() {}\n';
    const { service, codeIndex } = aService(new InMemoryFiles(treeOf({ 'broken.ts': broken })));
    await service.index({ root: ROOT, repository: 'shop' }, { traceId: TRACE_ID });
    const [file] = codeIndex.written.flat();
    expect(file).toMatchObject({ path: 'broken.ts', language: 'ts', lines: 4 });
    expect(file.symbols.map((symbol) => symbol.name)).toContain('fine');
  });
});
