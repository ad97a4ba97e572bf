export const SYMBOL_KINDS = ['function', 'class', 'interface', 'type', 'enum', 'const'] as const;

export type SymbolKind = (typeof SYMBOL_KINDS)[number];

/** A top-level declaration of a TypeScript/JavaScript file (`code_symbols`). */
export interface CodeSymbol {
  /** The declared name; `default` for an anonymous `export default function`/`class`. */
  readonly name: string;
  readonly kind: SymbolKind;
  /** 1-based line of the declared name (for an anonymous default export: of `export`). */
  readonly line: number;
  /** 1-based line where the declaration ends (its closing brace, or the last overload's body). */
  readonly endLine: number;
  readonly exported: boolean;
}
