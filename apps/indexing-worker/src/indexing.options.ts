/** Injection token of the indexer's tuning. */
export const INDEXING_OPTIONS = Symbol('INDEXING_OPTIONS');

export interface IndexingOptions {
  /** Files written per transaction (changed files only; unchanged ones are not written). */
  readonly batchSize: number;
  /** An `index.progress` event every this many files seen. */
  readonly progressEvery: number;
  /** Larger files are recorded as `large`: listed, never read. */
  readonly maxFileBytes: number;
}

export const DEFAULT_INDEXING_OPTIONS: IndexingOptions = {
  batchSize: 200,
  progressEvery: 200,
  maxFileBytes: 1024 * 1024,
};
