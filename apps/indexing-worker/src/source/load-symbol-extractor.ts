import type * as SymbolExtractor from './symbol.extractor';

/**
 * The symbol extractor parses with the TypeScript compiler, about 48 MB once loaded. It is loaded
 * with the first file to index rather than when the worker starts, so an idle indexing worker does
 * not carry it.
 */
export function loadSymbolExtractor(): typeof SymbolExtractor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('./symbol.extractor') as typeof SymbolExtractor;
}
