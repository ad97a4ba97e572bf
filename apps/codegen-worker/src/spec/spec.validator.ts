import type * as TypeScript from 'typescript';
import type { CodeSpecDto, SpecType } from '@cogo/contracts';
import { InvalidSpecException } from '../errors/invalid-spec.exception';

/** Names a generated module cannot use although they look like identifiers. */
const UNUSABLE_NAMES = new Set(['eval', 'arguments', 'await', '__proto__']);

/**
 * What the DTO cannot check alone: names that TypeScript would refuse, duplicates, and examples
 * whose values do not fit the declared types (the generated tests would not compile). Every
 * problem is reported in one INVALID_SPEC error.
 */
export function validateSpec(spec: CodeSpecDto): void {
  const problems: string[] = [];
  const functionNames = new Set<string>();
  for (const fn of spec.functions) {
    const where = `function "${fn.name}"`;
    if (isUnusableName(fn.name)) problems.push(`${where}: "${fn.name}" is a reserved word; choose another name`);
    if (functionNames.has(fn.name)) problems.push(`${where} is declared twice; function names must be unique`);
    functionNames.add(fn.name);

    const parameterNames = new Set<string>();
    for (const parameter of fn.params) {
      if (isUnusableName(parameter.name)) {
        problems.push(`${where}: parameter "${parameter.name}" is a reserved word; choose another name`);
      }
      if (parameterNames.has(parameter.name))
        problems.push(`${where}: parameter "${parameter.name}" is declared twice`);
      parameterNames.add(parameter.name);
    }

    fn.examples.forEach((example, index) => {
      const at = `${where}, example ${index + 1}`;
      if (example.args.length !== fn.params.length) {
        problems.push(
          `${at}: has ${example.args.length} argument(s) but the function takes ${fn.params.length} (${fn.params.map((p) => p.name).join(', ') || 'none'})`,
        );
      } else {
        fn.params.forEach((parameter, position) => {
          const value = example.args[position];
          if (!fitsType(value, parameter.type)) {
            problems.push(
              `${at}: argument ${position + 1} (${parameter.name}) must be ${article(parameter.type)}, got ${show(value)}`,
            );
          }
        });
      }
      if (!fitsType(example.expected, fn.returns)) {
        problems.push(
          `${at}: expected must be ${article(fn.returns)} (the return type), got ${show(example.expected)}`,
        );
      }
    });
  }
  if (problems.length > 0) {
    throw new InvalidSpecException(
      `The spec of module "${spec.module}" cannot be generated (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`,
      { problems },
    );
  }
}

/** Keywords, strict-mode reserved words, and names strict mode or CommonJS exports cannot bind. */
function isUnusableName(name: string): boolean {
  if (UNUSABLE_NAMES.has(name)) return true;
  // The compiler (about 48 MB) is loaded with the first spec, not when the worker starts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TypeScript;
  const kind = ts.identifierToKeywordKind(ts.factory.createIdentifier(name));
  if (kind === undefined) return false;
  return (
    (kind >= ts.SyntaxKind.FirstReservedWord && kind <= ts.SyntaxKind.LastReservedWord) ||
    (kind >= ts.SyntaxKind.FirstFutureReservedWord && kind <= ts.SyntaxKind.LastFutureReservedWord)
  );
}

/** Whether a JSON value fits a spec type exactly, as the compiled test will need. */
export function fitsType(value: unknown, type: SpecType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number[]':
      return Array.isArray(value) && value.every((item) => fitsType(item, 'number'));
    case 'string[]':
      return Array.isArray(value) && value.every((item) => fitsType(item, 'string'));
    case 'boolean[]':
      return Array.isArray(value) && value.every((item) => fitsType(item, 'boolean'));
  }
}

function article(type: SpecType): string {
  return type.endsWith('[]') ? `a ${type} array` : `a ${type}`;
}

function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  const shown = json.length > 40 ? `${json.slice(0, 40)}…` : json;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `${shown} (${kind})`;
}
