import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '@cogo/bus';
import { Events, type IndexRepositoryDto, type IndexResult } from '@cogo/contracts';
import { IndexAbortedException } from './errors/index-aborted.exception';
import { IndexInProgressException } from './errors/index-in-progress.exception';
import { IndexRootNotFoundException } from './errors/index-root-not-found.exception';
import { RepositoryNameInvalidException } from './errors/repository-name-invalid.exception';
import { INDEXING_OPTIONS, type IndexingOptions } from './indexing.options';
import type { CodeSymbol } from './interfaces/code-symbol.interface';
import type { IndexPhase, IndexProgress } from './interfaces/index-progress.interface';
import type { IndexedFile, StoredFile } from './interfaces/indexed-file.interface';
import { ClockRepository } from './repositories/clock.repository';
import { CodeIndexRepository } from './repositories/code-index.repository';
import { FileSystemRepository, type WalkedFile } from './repositories/file-system.repository';
import { countLines, isBinary } from './source/file-content';
import { type ScriptLanguage, detectLanguage, isScriptLanguage } from './source/language.detector';
import { loadSymbolExtractor } from './source/load-symbol-extractor';

/** The same rule as `IndexRepositoryDto.repository` and `code_repositories.name`. */
const REPOSITORY_NAME = /^[a-zA-Z0-9_.:-]{1,128}$/;

export interface IndexRunOptions {
  /** The trace of the request: recorded as the repository's last run. */
  readonly traceId: string;
  /** Aborted when the run must stop (lease lost, shutdown): it ends with a retryable error. */
  readonly signal?: AbortSignal;
}

/** What one file contributes to a run: a row to write, nothing (unchanged), or nothing at all (unreadable). */
type Inspection =
  { readonly kind: 'changed'; readonly file: IndexedFile } | { readonly kind: 'unchanged' | 'unavailable' };

interface RunState {
  readonly repository: string;
  readonly signal?: AbortSignal;
  filesSeen: number;
  filesIndexed: number;
}

/**
 * Indexes a source tree into the code index: walks it (honouring `.gitignore`), hashes every
 * file, and rewrites only the files whose hash changed — with their symbols, a batch per
 * transaction — then removes the files that are gone. Reports progress as `index.progress`
 * events and the result as `index.completed`.
 */
@Injectable()
export class IndexingService {
  private readonly logger = new Logger(IndexingService.name);

  constructor(
    private readonly files: FileSystemRepository,
    private readonly codeIndex: CodeIndexRepository,
    private readonly clock: ClockRepository,
    private readonly bus: BusClient,
    @Inject(INDEXING_OPTIONS) private readonly options: IndexingOptions,
  ) {}

  async index(request: IndexRepositoryDto, run: IndexRunOptions): Promise<IndexResult> {
    const startedMs = this.clock.monotonicMs();
    const root = await this.files.resolveDirectory(request.root);
    if (!root.found) throw new IndexRootNotFoundException(request.root, root.reason);
    const repository = request.repository ?? basename(root.path);
    if (!REPOSITORY_NAME.test(repository)) throw new RepositoryNameInvalidException(repository, root.path);

    const lock = await this.codeIndex.lock(repository);
    if (!lock) throw new IndexInProgressException(repository);
    try {
      const state: RunState = { repository, signal: run.signal, filesSeen: 0, filesIndexed: 0 };
      await this.codeIndex.saveRepository(repository, root.path);
      const stored = await this.codeIndex.storedFiles(repository);
      const seen = await this.indexTree(state, root.path, stored);
      const filesDeleted = await this.prune(
        state,
        [...stored.keys()].filter((path) => !seen.has(path)),
      );
      const totals = await this.codeIndex.finishRun(repository, run.traceId);
      const result: IndexResult = {
        repository,
        filesSeen: state.filesSeen,
        filesIndexed: state.filesIndexed,
        filesUnchanged: state.filesSeen - state.filesIndexed,
        filesDeleted,
        symbols: totals.symbols,
        durationMs: Math.round(this.clock.monotonicMs() - startedMs),
      };
      await lastValueFrom(this.bus.emit(Events.IndexCompleted, result));
      this.logger.log(
        `indexed ${repository}: ${result.filesSeen} seen, ${result.filesIndexed} written, ${result.filesDeleted} deleted, ${result.symbols} symbols in ${result.durationMs} ms`,
      );
      return result;
    } finally {
      await lock.release();
    }
  }

  /** Walks the tree and writes what changed; answers the paths present on disk. */
  private async indexTree(
    state: RunState,
    root: string,
    stored: ReadonlyMap<string, StoredFile>,
  ): Promise<Set<string>> {
    const seen = new Set<string>();
    let batch: IndexedFile[] = [];
    for await (const walked of this.files.walk(root)) {
      this.throwIfAborted(state);
      const inspection = await this.inspect(walked, stored.get(walked.path));
      if (inspection.kind === 'unavailable') continue;
      seen.add(walked.path);
      state.filesSeen++;
      if (inspection.kind === 'changed') batch.push(inspection.file);
      if (batch.length >= this.options.batchSize) {
        await this.write(state, batch);
        batch = [];
      }
      if (state.filesSeen % this.options.progressEvery === 0) await this.reportProgress(state, 'indexing');
    }
    this.throwIfAborted(state);
    await this.write(state, batch);
    return seen;
  }

  private async write(state: RunState, batch: readonly IndexedFile[]): Promise<void> {
    if (batch.length === 0) return;
    await this.codeIndex.writeFiles(state.repository, batch);
    state.filesIndexed += batch.length;
  }

  /** Removes the files that are no longer on disk, a batch per transaction. */
  private async prune(state: RunState, gone: readonly string[]): Promise<number> {
    await this.reportProgress(state, 'pruning');
    let deleted = 0;
    for (let start = 0; start < gone.length; start += this.options.batchSize) {
      this.throwIfAborted(state);
      deleted += await this.codeIndex.deleteFiles(state.repository, gone.slice(start, start + this.options.batchSize));
    }
    return deleted;
  }

  private async inspect(walked: WalkedFile, stored: StoredFile | undefined): Promise<Inspection> {
    if (walked.sizeBytes > this.options.maxFileBytes) return this.inspectLarge(walked.path, walked.sizeBytes, stored);
    const read = await this.files.read(walked.absolutePath, this.options.maxFileBytes);
    switch (read.status) {
      case 'unavailable':
        // It counts as absent: if an earlier run indexed it, it is removed with the deleted files.
        this.logger.warn(`skipped ${walked.path}: ${read.reason}`);
        return { kind: 'unavailable' };
      case 'too-large':
        return this.inspectLarge(walked.path, read.sizeBytes, stored);
      case 'read':
        break;
    }
    const content = read.content;
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (stored?.sha256 === sha256) return { kind: 'unchanged' };
    const file = { path: walked.path, sizeBytes: content.length, sha256 };
    if (isBinary(content)) return { kind: 'changed', file: { ...file, language: 'binary', lines: null, symbols: [] } };
    const language = detectLanguage(walked.path);
    const symbols = isScriptLanguage(language) ? this.symbolsOf(walked.path, content, language) : [];
    return { kind: 'changed', file: { ...file, language, lines: countLines(content), symbols } };
  }

  /**
   * A file over the size limit is listed but never read, so it has no hash: it counts as
   * unchanged while it stays `large` with the same size.
   */
  private inspectLarge(path: string, sizeBytes: number, stored: StoredFile | undefined): Inspection {
    if (stored?.language === 'large' && stored.sizeBytes === sizeBytes) return { kind: 'unchanged' };
    return { kind: 'changed', file: { path, language: 'large', sizeBytes, sha256: null, lines: null, symbols: [] } };
  }

  private symbolsOf(path: string, content: Buffer, language: ScriptLanguage): CodeSymbol[] {
    try {
      return loadSymbolExtractor().extractSymbols(path, content.toString('utf8'), language);
    } catch (error) {
      // The parser recovers from syntax errors; this is for what it cannot: the file stays listed.
      this.logger.warn(`no symbols for ${path}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** Progress is for watching a run, not part of it: a failed publish is logged, not fatal. */
  private async reportProgress(state: RunState, phase: IndexPhase): Promise<void> {
    const progress: IndexProgress = {
      repository: state.repository,
      filesSeen: state.filesSeen,
      filesIndexed: state.filesIndexed,
      phase,
    };
    try {
      await lastValueFrom(this.bus.emit(Events.IndexProgress, progress));
    } catch (error) {
      this.logger.warn(
        `index.progress for ${state.repository} not published: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private throwIfAborted(state: RunState): void {
    if (state.signal?.aborted) throw new IndexAbortedException(state.repository, state.filesSeen);
  }
}
