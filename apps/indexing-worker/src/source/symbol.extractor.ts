import ts from 'typescript';
import type { CodeSymbol, SymbolKind } from '../interfaces/code-symbol.interface';
import type { ScriptLanguage } from './language.detector';

/** Longer names are generated code, not something anyone looks up; `code_symbols` caps them too. */
const MAX_NAME_LENGTH = 512;

const SCRIPT_KINDS: Readonly<Record<ScriptLanguage, ts.ScriptKind>> = {
  ts: ts.ScriptKind.TS,
  tsx: ts.ScriptKind.TSX,
  js: ts.ScriptKind.JS,
  jsx: ts.ScriptKind.JSX,
  mjs: ts.ScriptKind.JS,
  cjs: ts.ScriptKind.JS,
};

/**
 * The top-level declarations of one TypeScript/JavaScript file: functions (overloads merged into
 * one symbol), classes, interfaces, type aliases, enums and `const` bindings — a `const` whose
 * value is an arrow function or function expression counts as a `function`. Declarations nested
 * in functions, blocks or namespaces are not symbols of the file. Only the parser runs (no
 * program, no type check), and it recovers from syntax errors: a broken file yields what it can.
 */
export function extractSymbols(fileName: string, text: string, language: ScriptLanguage): CodeSymbol[] {
  // No parent pointers (false): positions are read from the text, and setting them costs a third of the parse.
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, SCRIPT_KINDS[language]);
  const exportedLater = namesExportedByList(source);
  const symbols: CodeSymbol[] = [];
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line + 1;
  const add = (name: string, kind: SymbolKind, namePosition: number, end: number, exported: boolean): void => {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) return;
    symbols.push({ name, kind, line: lineOf(namePosition), endLine: lineOf(end), exported });
  };
  const isExported = (node: ts.Node, name: string | undefined): boolean =>
    hasModifier(node, ts.SyntaxKind.ExportKeyword) || (name !== undefined && exportedLater.has(name));

  const statements = source.statements;
  for (let index = 0; index < statements.length; index++) {
    const statement = statements[index];
    if (ts.isFunctionDeclaration(statement)) {
      // Overload signatures and their implementation are one function: from the first signature
      // to the end of the last declaration of the same name that follows it directly.
      let last = statement;
      let exported = isExported(statement, statement.name?.text);
      while (statement.name && index + 1 < statements.length) {
        const next = statements[index + 1];
        if (!ts.isFunctionDeclaration(next) || next.name?.text !== statement.name.text) break;
        last = next;
        exported ||= isExported(next, next.name.text);
        index++;
      }
      add(declaredName(statement), 'function', namePosition(statement, source), last.end, exported);
    } else if (ts.isClassDeclaration(statement)) {
      add(
        declaredName(statement),
        'class',
        namePosition(statement, source),
        statement.end,
        isExported(statement, statement.name?.text),
      );
    } else if (ts.isInterfaceDeclaration(statement)) {
      add(
        statement.name.text,
        'interface',
        statement.name.getStart(source),
        statement.end,
        isExported(statement, statement.name.text),
      );
    } else if (ts.isTypeAliasDeclaration(statement)) {
      add(
        statement.name.text,
        'type',
        statement.name.getStart(source),
        statement.end,
        isExported(statement, statement.name.text),
      );
    } else if (ts.isEnumDeclaration(statement)) {
      add(
        statement.name.text,
        'enum',
        statement.name.getStart(source),
        statement.end,
        isExported(statement, statement.name.text),
      );
    } else if (ts.isVariableStatement(statement) && isConst(statement.declarationList)) {
      for (const declaration of statement.declarationList.declarations) {
        const kind: SymbolKind = isFunctionValue(declaration.initializer) ? 'function' : 'const';
        for (const name of boundNames(declaration.name)) {
          add(name.text, kind, name.getStart(source), declaration.end, isExported(statement, name.text));
        }
      }
    }
  }
  return symbols;
}

/**
 * Local names exported by `export { a, b as c }` and `export default a` (without a module
 * specifier: those re-export another file's declarations).
 */
function namesExportedByList(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        const local = element.propertyName ?? element.name;
        if (ts.isIdentifier(local)) names.add(local.text);
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      names.add(statement.expression.text);
    }
  }
  return names;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

/** `export default function () {}` and `export default class {}` declare `default`. */
function declaredName(node: ts.FunctionDeclaration | ts.ClassDeclaration): string {
  return node.name?.text ?? 'default';
}

/** Where the name is, or for an anonymous default export the `export` keyword (after any decorators). */
function namePosition(node: ts.FunctionDeclaration | ts.ClassDeclaration, source: ts.SourceFile): number {
  if (node.name) return node.name.getStart(source);
  const keyword = ts.getModifiers(node)?.find((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  return (keyword ?? node).getStart(source);
}

function isConst(list: ts.VariableDeclarationList): boolean {
  // `const` only: `let` and `var` bindings are state, not declarations anyone looks up.
  // BlockScoped covers let, const, using and await using (= const | using): compare it whole.
  const scope: number = list.flags & ts.NodeFlags.BlockScoped;
  return scope === (ts.NodeFlags.Const as number);
}

function isFunctionValue(initializer: ts.Expression | undefined): boolean {
  let value = initializer;
  while (
    value &&
    (ts.isParenthesizedExpression(value) ||
      ts.isAsExpression(value) ||
      ts.isSatisfiesExpression(value) ||
      ts.isTypeAssertionExpression(value))
  ) {
    value = value.expression;
  }
  return value !== undefined && (ts.isArrowFunction(value) || ts.isFunctionExpression(value));
}

/** The identifiers a binding introduces: `a`, or each name of `{ a, b: [c] }`. */
function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : boundNames(element.name)));
}
