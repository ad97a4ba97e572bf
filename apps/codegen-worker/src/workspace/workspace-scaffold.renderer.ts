import type { CodeSpecDto } from '@cogo/contracts';
import { canonicalSpec } from '../spec/canonical-spec';
import type { WorkspaceFile } from './workspace-file';
import { NODE_TEST_DECLARATIONS_PATH } from './workspace-paths';

/**
 * The build setup of every workspace, whatever the generator. The workspace is built with nothing
 * but TypeScript itself: `tsc -p <workspace>/tsconfig.json` compiles `src/` and `test/` into
 * `dist/src/` and `dist/test/`, and `node --test <workspace>/dist/test/` runs the tests.
 *
 * - `"types": []`: no `@types/*` package is available where it is built, and one found in a
 *   parent `node_modules` must not be picked up either; `node:test` is described locally instead.
 * - `"lib": ["ES2023"]` only: the code is pure computation; no DOM, no Node globals.
 * - `"noEmitOnError": true`: code that does not type-check is never run.
 */
export function renderScaffold(spec: CodeSpecDto): WorkspaceFile[] {
  const packageJson = {
    name: spec.module,
    version: '0.0.0',
    private: true,
    ...(spec.description ? { description: spec.description } : {}),
    type: 'commonjs',
    main: `dist/src/${spec.module}.js`,
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'commonjs',
      types: [],
      strict: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      forceConsistentCasingInFileNames: true,
      noEmitOnError: true,
      rootDir: '.',
      outDir: 'dist',
      newLine: 'lf',
    },
    include: ['src/**/*.ts', 'test/**/*.ts'],
  };
  return [
    { path: 'package.json', content: json(packageJson) },
    { path: 'tsconfig.json', content: json(tsconfig) },
    { path: 'spec.json', content: json(canonicalSpec(spec)) },
    { path: NODE_TEST_DECLARATIONS_PATH, content: NODE_TEST_DECLARATIONS },
  ];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const NODE_TEST_DECLARATIONS = `// The members of Node's test runner that the generated tests use. TypeScript's built-in libs do
// not describe Node, and @types/node is not available where this workspace is built.
declare module 'node:test' {
  export function test(name: string, fn: () => void | Promise<void>): Promise<void>;
}

declare module 'node:assert/strict' {
  export function deepStrictEqual(actual: unknown, expected: unknown, message?: string): void;
}
`;
