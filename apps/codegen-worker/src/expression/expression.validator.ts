import ts from 'typescript';
import type { CodeSpecDto, SpecFunctionDto, SpecType } from '@cogo/contracts';

/** What an expression may refer to. */
export interface ExpressionScope {
  /** The function's parameters, with their spec types. */
  readonly parameters: readonly { readonly name: string; readonly type: SpecType }[];
  /** The functions of the same module (helpers, recursion). */
  readonly functions: readonly string[];
}

export type ExpressionCheck =
  | {
      readonly ok: true;
      /** Trimmed, without a trailing `;`: what goes into `return (<expression>);`. */ readonly expression: string;
    }
  | { readonly ok: false; /** The offending token or fragment. */ readonly token: string; readonly reason: string };

/** The scope of one function of a spec: its parameters and its module's functions. */
export function scopeFor(spec: CodeSpecDto, fn: SpecFunctionDto): ExpressionScope {
  return { parameters: fn.params, functions: spec.functions.map((each) => each.name) };
}

/** The longest expression accepted; the spec DTO allows the same. */
export const MAX_EXPRESSION_LENGTH = 2000;

/**
 * Names that lead from any value to `Function` (and so to running arbitrary code) or to an
 * object's prototype: `s.constructor.constructor('...')()`, `x.__proto__`. Refused as property
 * names, string-literal indexes and object-literal keys.
 */
const FORBIDDEN_PROPERTIES = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
]);

/** Global values that are read-only constants, not capabilities. */
const CONSTANT_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);

const ALLOWED_BINARY_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandToken,
  ts.SyntaxKind.BarBarToken,
  ts.SyntaxKind.QuestionQuestionToken,
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);

/** Binary operators whose result is always a number (or a bigint), whatever the operands are. */
const NUMERIC_BINARY_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.AmpersandToken,
  ts.SyntaxKind.BarToken,
  ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanToken,
  ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);

const ALLOWED_PREFIX_OPERATORS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.PlusToken,
  ts.SyntaxKind.ExclamationToken,
  ts.SyntaxKind.TildeToken,
]);

const LITERALS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.BigIntLiteral,
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
]);

const ANNOTATION_KEYWORDS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.NumberKeyword,
  ts.SyntaxKind.StringKeyword,
  ts.SyntaxKind.BooleanKeyword,
]);

/** Friendlier words than a syntax kind for what people (and models) most often try. */
const REFUSALS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.NewExpression]: '"new" is not allowed',
  [ts.SyntaxKind.ThisKeyword]: '"this" is not allowed',
  [ts.SyntaxKind.SuperKeyword]: '"super" is not allowed',
  [ts.SyntaxKind.FunctionExpression]:
    'function expressions are not allowed; use an arrow function with an expression body',
  [ts.SyntaxKind.ClassExpression]: 'classes are not allowed',
  [ts.SyntaxKind.TaggedTemplateExpression]: 'tagged templates are not allowed',
  [ts.SyntaxKind.AwaitExpression]: '"await" is not allowed: the function is synchronous',
  [ts.SyntaxKind.YieldExpression]: '"yield" is not allowed',
  [ts.SyntaxKind.DeleteExpression]: '"delete" is not allowed',
  [ts.SyntaxKind.VoidExpression]: '"void" is not allowed',
  [ts.SyntaxKind.PostfixUnaryExpression]: 'changing a variable (++, --) is not allowed',
  [ts.SyntaxKind.AsExpression]: 'type assertions are not allowed',
  [ts.SyntaxKind.TypeAssertionExpression]: 'type assertions are not allowed',
  [ts.SyntaxKind.SatisfiesExpression]: '"satisfies" is not allowed',
  [ts.SyntaxKind.MetaProperty]: 'meta properties (new.target, import.meta) are not allowed',
};

/** A name in scope, and whether it is known to hold a number (which makes it safe as an index). */
type Binding = 'number' | 'value';
type Scope = ReadonlyMap<string, Binding>;

/** Thrown inside the walk to stop at the first refused node; never leaves `validateExpression`. */
class Refusal extends Error {
  constructor(
    readonly token: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Decides whether a function body expression (from a spec or a language model) may be compiled
 * and run. Allowed: the function's parameters, literals (also template, array, object and regular
 * expression literals), operators, property access and method calls on values, conditional
 * expressions, arrow functions with an expression body, `Math.*`, and calls to the module's own
 * functions. Refused: any other identifier (`process`, `require`, `globalThis`, `eval`,
 * `Function`, ...), statements, assignments, `new`, `this`, and every path to `constructor` or
 * `__proto__`, including computed indexes that are not numbers by construction.
 *
 * It is an allow-list over the syntax tree of the TypeScript parser, not a pattern over text.
 */
export function validateExpression(source: string, scope: ExpressionScope): ExpressionCheck {
  const expression = source
    .trim()
    .replace(/;+\s*$/, '')
    .trim();
  if (expression === '') return { ok: false, token: '', reason: 'the expression is empty' };
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      token: `${expression.slice(0, 20)}…`,
      reason: `it is longer than ${MAX_EXPRESSION_LENGTH} characters`,
    };
  }
  // Parsed in the same surroundings it is emitted in, `return (<expression>);`, so what is checked
  // is exactly what runs: text such as `a), (b` cannot close the parenthesis early.
  const wrapped = `(${expression})`;
  const syntaxError = firstSyntaxError(wrapped);
  if (syntaxError) return { ok: false, ...syntaxError };

  const file = ts.createSourceFile('expression.ts', wrapped, ts.ScriptTarget.ES2023, true, ts.ScriptKind.TS);
  const statement = file.statements.length === 1 ? file.statements[0] : undefined;
  if (
    !statement ||
    !ts.isExpressionStatement(statement) ||
    !ts.isParenthesizedExpression(statement.expression) ||
    statement.expression.getStart(file) !== 0 ||
    statement.expression.end !== wrapped.length
  ) {
    return { ok: false, token: fragment(expression), reason: 'it is not a single expression' };
  }

  const names = new Map<string, Binding>();
  for (const name of scope.functions) names.set(name, 'value');
  for (const parameter of scope.parameters) names.set(parameter.name, parameter.type === 'number' ? 'number' : 'value');
  try {
    new ExpressionWalker(file, scope).check(statement.expression.expression, names);
  } catch (caught) {
    if (caught instanceof Refusal) return { ok: false, token: caught.token, reason: caught.reason };
    throw caught;
  }
  return { ok: true, expression };
}

function firstSyntaxError(text: string): { token: string; reason: string } | undefined {
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: 'expression.ts',
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.CommonJS },
  });
  const first = diagnostics[0];
  if (!first) return undefined;
  const at = first.start ?? 0;
  const token = /^[A-Za-z_$][\w$]*|^\S/.exec(text.slice(at))?.[0] ?? 'end of expression';
  return {
    token,
    reason: `it is not one complete TypeScript expression (${ts.flattenDiagnosticMessageText(first.messageText, ' ')})`,
  };
}

function fragment(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}

class ExpressionWalker {
  constructor(
    private readonly file: ts.SourceFile,
    private readonly scope: ExpressionScope,
  ) {}

  check(node: ts.Node, names: Scope): void {
    if (isLiteral(node)) return;
    if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isTypeOfExpression(node)) {
      return this.check(node.expression, names);
    }
    if (ts.isTemplateExpression(node)) {
      for (const span of node.templateSpans) this.check(span.expression, names);
      return;
    }
    if (ts.isIdentifier(node)) return this.checkReference(node, names);
    if (ts.isPropertyAccessExpression(node)) return this.checkPropertyAccess(node, names);
    if (ts.isElementAccessExpression(node)) {
      this.check(node.expression, names);
      return this.checkIndex(node.argumentExpression, names);
    }
    if (ts.isCallExpression(node)) return this.checkCall(node, names);
    if (ts.isSpreadElement(node)) return this.check(node.expression, names);
    if (ts.isBinaryExpression(node)) {
      if (!ALLOWED_BINARY_OPERATORS.has(node.operatorToken.kind)) {
        throw new Refusal(node.operatorToken.getText(this.file), describeOperatorRefusal(node.operatorToken.kind));
      }
      this.check(node.left, names);
      return this.check(node.right, names);
    }
    if (ts.isPrefixUnaryExpression(node)) {
      if (!ALLOWED_PREFIX_OPERATORS.has(node.operator)) {
        throw new Refusal(ts.tokenToString(node.operator) ?? '', 'changing a variable (++, --) is not allowed');
      }
      return this.check(node.operand, names);
    }
    if (ts.isConditionalExpression(node)) {
      this.check(node.condition, names);
      this.check(node.whenTrue, names);
      return this.check(node.whenFalse, names);
    }
    if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) if (!ts.isOmittedExpression(element)) this.check(element, names);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) return this.checkObjectLiteral(node, names);
    if (ts.isArrowFunction(node)) return this.checkArrowFunction(node, names);
    throw new Refusal(
      fragment(node.getText(this.file)),
      REFUSALS[node.kind] ?? `${ts.SyntaxKind[node.kind]} is not allowed in an expression`,
    );
  }

  private checkReference(node: ts.Identifier, names: Scope): void {
    const name = node.text;
    if (names.has(name) || CONSTANT_GLOBALS.has(name)) return;
    if (name === 'Math') throw new Refusal(name, 'use a member of Math, such as Math.max(a, b)');
    const parameters = this.scope.parameters.map((parameter) => parameter.name);
    throw new Refusal(
      name,
      `"${name}" is not a parameter of this function; an expression may use only its parameters` +
        ` (${parameters.length > 0 ? parameters.join(', ') : 'none'}), literals, operators, methods of their values,` +
        ' arrow functions, Math.* and the functions of this module',
    );
  }

  private checkPropertyAccess(node: ts.PropertyAccessExpression, names: Scope): void {
    if (ts.isPrivateIdentifier(node.name)) throw new Refusal(node.name.text, 'private names are not allowed');
    this.checkPropertyName(node.name.text);
    if (isMath(node.expression, names)) return;
    this.check(node.expression, names);
  }

  private checkPropertyName(name: string): void {
    if (FORBIDDEN_PROPERTIES.has(name)) {
      throw new Refusal(name, `the property "${name}" is not allowed: it leads to code execution or prototypes`);
    }
  }

  /**
   * `xs[i]` where `i` could be the string "constructor" reaches `Function` no matter what the
   * name checks say, so an index must be a number by construction or a harmless string literal.
   */
  private checkIndex(node: ts.Expression, names: Scope): void {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return this.checkPropertyName(node.text);
    if (!isNumeric(node, names)) {
      throw new Refusal(
        fragment(node.getText(this.file)),
        'an index must be a number: a numeric literal, a number parameter, arithmetic such as i - 1, +i or i | 0, or Math.*(...)',
      );
    }
    this.check(node, names);
  }

  /**
   * Whatever is called must itself be an allowed expression: a method of a value, a member of
   * Math, a module function or an arrow function built here. No path reaches \`Function\`, so no
   * call can run code that was not checked.
   */
  private checkCall(node: ts.CallExpression, names: Scope): void {
    if (node.typeArguments) throw new Refusal(fragment(node.getText(this.file)), 'type arguments are not allowed');
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) throw new Refusal('import', '"import" is not allowed');
    this.check(node.expression, names);
    for (const argument of node.arguments) this.check(argument, names);
  }

  private checkObjectLiteral(node: ts.ObjectLiteralExpression, names: Scope): void {
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property)) {
        const key = property.name;
        if (!ts.isIdentifier(key) && !ts.isStringLiteral(key) && !ts.isNumericLiteral(key)) {
          throw new Refusal(fragment(key.getText(this.file)), 'computed and private keys are not allowed');
        }
        this.checkPropertyName(key.text);
        this.check(property.initializer, names);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        if (property.objectAssignmentInitializer) {
          throw new Refusal(fragment(property.getText(this.file)), 'default values are not allowed');
        }
        this.checkPropertyName(property.name.text);
        this.checkReference(property.name, names);
      } else if (ts.isSpreadAssignment(property)) {
        this.check(property.expression, names);
      } else {
        throw new Refusal(fragment(property.getText(this.file)), 'methods, getters and setters are not allowed');
      }
    }
  }

  private checkArrowFunction(node: ts.ArrowFunction, names: Scope): void {
    const text = fragment(node.getText(this.file));
    if (node.modifiers?.length) throw new Refusal(text, 'async arrow functions are not allowed');
    if (node.typeParameters) throw new Refusal(text, 'type parameters are not allowed');
    if (node.type) this.checkAnnotation(node.type);
    if (ts.isBlock(node.body)) {
      throw new Refusal(text, 'an arrow function must have an expression body, not { statements }');
    }
    const inner = new Map(names);
    for (const parameter of node.parameters) {
      if (
        !ts.isIdentifier(parameter.name) ||
        parameter.dotDotDotToken ||
        parameter.initializer ||
        parameter.questionToken
      ) {
        throw new Refusal(
          fragment(parameter.getText(this.file)),
          'arrow function parameters must be plain names (no destructuring, defaults or rest)',
        );
      }
      if (parameter.type) this.checkAnnotation(parameter.type);
      // A callback's parameter may hold anything at run time, whatever its annotation says.
      inner.set(parameter.name.text, 'value');
    }
    this.check(node.body, inner);
  }

  private checkAnnotation(type: ts.TypeNode): void {
    const element = ts.isArrayTypeNode(type) ? type.elementType : type;
    if (!ANNOTATION_KEYWORDS.has(element.kind)) {
      throw new Refusal(
        fragment(type.getText(this.file)),
        'only number, string, boolean and their arrays may be annotated',
      );
    }
  }
}

function isLiteral(node: ts.Node): boolean {
  return LITERALS.has(node.kind);
}

/** `Math` itself, unless a parameter of that name hides it. */
function isMath(node: ts.Expression, names: Scope): boolean {
  return ts.isIdentifier(node) && node.text === 'Math' && !names.has('Math');
}

/** Whether `node` evaluates to a number (or bigint) whatever its operands hold at run time. */
function isNumeric(node: ts.Expression, names: Scope): boolean {
  if (ts.isNumericLiteral(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isNumeric(node.expression, names);
  if (ts.isIdentifier(node)) {
    return (
      names.get(node.text) === 'number' || (!names.has(node.text) && (node.text === 'NaN' || node.text === 'Infinity'))
    );
  }
  if (ts.isPrefixUnaryExpression(node))
    return ALLOWED_PREFIX_OPERATORS.has(node.operator) && node.operator !== ts.SyntaxKind.ExclamationToken;
  if (ts.isBinaryExpression(node)) {
    if (NUMERIC_BINARY_OPERATORS.has(node.operatorToken.kind)) return true;
    return (
      node.operatorToken.kind === ts.SyntaxKind.PlusToken && isNumeric(node.left, names) && isNumeric(node.right, names)
    );
  }
  if (ts.isConditionalExpression(node)) return isNumeric(node.whenTrue, names) && isNumeric(node.whenFalse, names);
  if (ts.isCallExpression(node))
    return ts.isPropertyAccessExpression(node.expression) && isMath(node.expression.expression, names);
  if (ts.isPropertyAccessExpression(node)) return isMath(node.expression, names);
  return false;
}

function describeOperatorRefusal(kind: ts.SyntaxKind): string {
  if (kind === ts.SyntaxKind.CommaToken) return 'the comma operator is not allowed: give a single expression';
  if (kind === ts.SyntaxKind.InstanceOfKeyword || kind === ts.SyntaxKind.InKeyword) {
    return `"${ts.tokenToString(kind)}" is not allowed`;
  }
  return 'assignments are not allowed: an expression may not change a variable';
}
