import type { FileLanguage } from '../source/language.detector';
import type { CodeSymbol } from './code-symbol.interface';

/** A file as written to `code_files`, with the symbols that replace its previous ones. */
export interface IndexedFile {
  /** Relative to the repository root, '/'-separated. */
  readonly path: string;
  readonly language: FileLanguage;
  readonly sizeBytes: number;
  /** Null for a `large` file, which is never read. */
  readonly sha256: string | null;
  /** Null for `binary` and `large` files. */
  readonly lines: number | null;
  readonly symbols: readonly CodeSymbol[];
}

/** What the index holds about a file from an earlier run: enough to tell whether it changed. */
export interface StoredFile {
  readonly language: FileLanguage;
  readonly sizeBytes: number;
  readonly sha256: string | null;
}
