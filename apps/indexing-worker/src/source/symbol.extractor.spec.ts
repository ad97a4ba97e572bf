import type { CodeSymbol } from '../interfaces/code-symbol.interface';
import { extractSymbols } from './symbol.extractor';

/** The 1-based line of the first line of `source` that contains `text`. */
function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`fixture has no line with ${text}`);
  return index + 1;
}

function symbol(source: string, name: string, kind: CodeSymbol['kind'], exported: boolean, from: string, to: string) {
  return { name, kind, exported, line: lineOf(source, from), endLine: lineOf(source, to) };
}

const EVERY_KIND = `import { Injectable } from '@nestjs/common';

/** JSDoc above a function is not its start. */
export function add(a: number, b: number): number {
  return a + b;
} // end add

export async function* stream(): AsyncGenerator<number> {
  yield 1;
} // end stream

@Injectable()
export class Service {
  run(): void {
    function helper(): void {}
    helper();
  }
} // end Service

export abstract class Base {} // Base

export interface Shape {
  area(): number;
} // end Shape

export type Id = string; // Id

export type Pair<T> = {
  left: T;
  right: T;
}; // end Pair

export enum Color {
  Red,
  Green,
} // end Color

export const enum Flag { On, Off } // Flag

export const handler = async (input: string): Promise<string> => {
  return input;
}; // end handler

export const legacy = function (x: number) {
  return x;
}; // end legacy

export const wrapped = ((x: number) => x) satisfies (x: number) => number; // wrapped

export const LIMIT = 10; // LIMIT

export const ROUTES = {
  a: 'b',
} as const; // end ROUTES

function internal(): void {} // internal

class Hidden {} // Hidden

const local = 1; // local
let mutable = 2;
var legacyVar = 3;

if (mutable > legacyVar) {
  function inBlock(): void {}
  inBlock();
}

export namespace Tools {
  export function nested(): void {}
}
`;

describe('extractSymbols', () => {
  it('finds every kind of top-level declaration, at the line of its name, ending at its last line', () => {
    const s = EVERY_KIND;
    expect(extractSymbols('every-kind.ts', s, 'ts')).toEqual([
      symbol(s, 'add', 'function', true, 'export function add', '// end add'),
      symbol(s, 'stream', 'function', true, 'export async function* stream', '// end stream'),
      symbol(s, 'Service', 'class', true, 'export class Service', '// end Service'),
      symbol(s, 'Base', 'class', true, '// Base', '// Base'),
      symbol(s, 'Shape', 'interface', true, 'export interface Shape', '// end Shape'),
      symbol(s, 'Id', 'type', true, '// Id', '// Id'),
      symbol(s, 'Pair', 'type', true, 'export type Pair', '// end Pair'),
      symbol(s, 'Color', 'enum', true, 'export enum Color', '// end Color'),
      symbol(s, 'Flag', 'enum', true, '// Flag', '// Flag'),
      symbol(s, 'handler', 'function', true, 'export const handler', '// end handler'),
      symbol(s, 'legacy', 'function', true, 'export const legacy', '// end legacy'),
      symbol(s, 'wrapped', 'function', true, '// wrapped', '// wrapped'),
      symbol(s, 'LIMIT', 'const', true, '// LIMIT', '// LIMIT'),
      symbol(s, 'ROUTES', 'const', true, 'export const ROUTES', '// end ROUTES'),
      symbol(s, 'internal', 'function', false, '// internal', '// internal'),
      symbol(s, 'Hidden', 'class', false, '// Hidden', '// Hidden'),
      symbol(s, 'local', 'const', false, '// local', '// local'),
    ]);
  });

  it('records neither declarations nested in functions, blocks or namespaces nor let and var bindings', () => {
    const names = extractSymbols('every-kind.ts', EVERY_KIND, 'ts').map((found) => found.name);
    for (const nested of ['helper', 'inBlock', 'nested', 'Tools', 'mutable', 'legacyVar', 'run']) {
      expect(names).not.toContain(nested);
    }
  });

  it('names anonymous default exports "default", at the line of export', () => {
    const s = ['@decorate()', 'export default class {', '  x = 1;', '}', ''].join('\n');
    expect(extractSymbols('anonymous.ts', s, 'ts')).toEqual([
      { name: 'default', kind: 'class', exported: true, line: 2, endLine: 4 },
    ]);
    const f = ['// first line', 'export default function () {', '  return 1;', '}', ''].join('\n');
    expect(extractSymbols('anonymous.ts', f, 'ts')).toEqual([
      { name: 'default', kind: 'function', exported: true, line: 2, endLine: 4 },
    ]);
  });

  it('keeps the name of a named default export', () => {
    const s = 'export default function main(): void {}\n';
    expect(extractSymbols('main.ts', s, 'ts')).toEqual([
      { name: 'main', kind: 'function', exported: true, line: 1, endLine: 1 },
    ]);
  });

  it('merges overload signatures and their implementation into one function', () => {
    const s = [
      'export function parse(input: string): number;', // 1
      'export function parse(input: number): number;', // 2
      'export function parse(input: string | number): number {', // 3
      '  return Number(input);', // 4
      '}', // 5
      'function parse2(): void {}', // 6
      '',
    ].join('\n');
    expect(extractSymbols('overloads.ts', s, 'ts')).toEqual([
      { name: 'parse', kind: 'function', exported: true, line: 1, endLine: 5 },
      { name: 'parse2', kind: 'function', exported: false, line: 6, endLine: 6 },
    ]);
  });

  it('marks declarations exported by an export list or export default as exported', () => {
    const s = [
      'function a() {}',
      'class B {}',
      'interface C {}',
      'const d = 1;',
      'const e = 2;',
      'export { a, B as Bee };',
      'export type { C };',
      'export default d;',
      "export { e as f } from './elsewhere';",
      '',
    ].join('\n');
    expect(extractSymbols('lists.ts', s, 'ts').map(({ name, exported }) => [name, exported])).toEqual([
      ['a', true],
      ['B', true],
      ['C', true],
      ['d', true],
      ['e', false],
    ]);
  });

  it('records each name of a destructuring const', () => {
    const s = 'export const { a, b: [c, , d] } = source();\n';
    expect(extractSymbols('destructure.ts', s, 'ts').map((found) => [found.name, found.kind])).toEqual([
      ['a', 'const'],
      ['c', 'const'],
      ['d', 'const'],
    ]);
  });

  it('reads declarations of a .d.ts file', () => {
    const s = ['export declare function f(): void;', 'declare class G {}', 'export declare const h: number;', ''].join(
      '\n',
    );
    expect(extractSymbols('types.d.ts', s, 'ts').map(({ name, kind, exported }) => [name, kind, exported])).toEqual([
      ['f', 'function', true],
      ['G', 'class', false],
      ['h', 'const', true],
    ]);
  });

  it('reads JavaScript and JSX, in ES module and CommonJS files', () => {
    const js = ['export function render() {', '  return <div />;', '}', 'export class View {}', ''].join('\n');
    expect(extractSymbols('view.jsx', js, 'jsx').map(({ name, kind }) => [name, kind])).toEqual([
      ['render', 'function'],
      ['View', 'class'],
    ]);
    const cjs = ["const path = require('path');", 'function main() {}', 'module.exports = { main };', ''].join('\n');
    expect(extractSymbols('main.cjs', cjs, 'cjs')).toEqual([
      { name: 'path', kind: 'const', exported: false, line: 1, endLine: 1 },
      { name: 'main', kind: 'function', exported: false, line: 2, endLine: 2 },
    ]);
    const mjs = 'export const run = async () => {};\n';
    expect(extractSymbols('run.mjs', mjs, 'mjs')).toEqual([
      { name: 'run', kind: 'function', exported: true, line: 1, endLine: 1 },
    ]);
  });

  it('reads TSX', () => {
    const s = ['export const App = () => <main>{1}</main>;', 'export interface Props {}', ''].join('\n');
    expect(extractSymbols('app.tsx', s, 'tsx').map(({ name, kind }) => [name, kind])).toEqual([
      ['App', 'function'],
      ['Props', 'interface'],
    ]);
  });

  it('survives syntax errors and keeps the declarations it can read', () => {
    const s = [
      'export function ok() {}',
      'export class { broken',
      'export interface = ;',
      '}}}',
      'export type T = number;',
      '',
    ].join('\n');
    const symbols = extractSymbols('broken.ts', s, 'ts');
    expect(symbols).toEqual(
      expect.arrayContaining([{ name: 'ok', kind: 'function', exported: true, line: 1, endLine: 1 }]),
    );
    for (const found of symbols) expect(found.endLine).toBeGreaterThanOrEqual(found.line);
  });

  it('returns nothing for an empty file or one that is not code', () => {
    expect(extractSymbols('empty.ts', '', 'ts')).toEqual([]);
    expect(extractSymbols('binary.js', '\u0000\u0001\u0002 %%% @@@', 'js')).toEqual([]);
  });

  it('numbers lines the same with Windows line endings', () => {
    const s = ['// one', '', 'export class Three {', '}', ''].join('\r\n');
    expect(extractSymbols('crlf.ts', s, 'ts')).toEqual([
      { name: 'Three', kind: 'class', exported: true, line: 3, endLine: 4 },
    ]);
  });
});
