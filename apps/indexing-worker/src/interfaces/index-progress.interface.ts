/** Where an index run stands: `indexing` while files are walked, `pruning` while deleted files are removed. */
export type IndexPhase = 'indexing' | 'pruning';

/** Data of `Events.IndexProgress`. */
export interface IndexProgress {
  readonly repository: string;
  readonly filesSeen: number;
  readonly filesIndexed: number;
  readonly phase: IndexPhase;
}
