import type * as ExpressionValidator from './expression.validator';

/**
 * The expression validator parses with the TypeScript compiler, about 48 MB once loaded. It is
 * loaded with the first spec to check rather than when the worker starts, so an idle codegen
 * worker does not carry it.
 */
export function loadExpressionValidator(): typeof ExpressionValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return require('./expression.validator') as typeof ExpressionValidator;
}
