import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Workspaces shaped like the codegen worker's: package.json, tsconfig.json (outDir dist),
 * src/*.ts and test/*.test.ts on `node:test` + `node:assert`, with their own minimal ambient
 * types because no @types/node is installed there.
 */

const PACKAGE_JSON = JSON.stringify(
  { name: 'generated-module', version: '0.0.0', private: true, scripts: { build: 'tsc -p tsconfig.json' } },
  null,
  2,
);

const TSCONFIG_JSON = JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      lib: ['ES2022'],
      types: [],
      strict: true,
      rootDir: '.',
      outDir: 'dist',
      esModuleInterop: true,
      skipLibCheck: true,
    },
    include: ['src/**/*.ts', 'test/**/*.ts', 'types/**/*.d.ts'],
  },
  null,
  2,
);

/** Just what the fixture tests use of Node, declared by hand. */
const AMBIENT_TYPES = `declare module 'node:test' {
  type TestFn = () => void | Promise<void>;
  export function test(name: string, fn: TestFn): Promise<void>;
  export function test(name: string, options: { skip?: boolean | string; todo?: boolean | string }, fn: TestFn): Promise<void>;
}
declare module 'node:assert' {
  function assert(value: unknown, message?: string): asserts value;
  namespace assert {
    function strictEqual(actual: unknown, expected: unknown, message?: string): void;
    function deepStrictEqual(actual: unknown, expected: unknown, message?: string): void;
  }
  export = assert;
}
declare module 'node:fs' {
  export function writeFileSync(path: string, data: string): void;
}
declare module 'node:child_process' {
  export function spawn(command: string, args: string[], options?: { stdio?: 'ignore' }): { pid?: number };
}
declare const process: {
  readonly pid: number;
  readonly ppid: number;
  readonly execPath: string;
  readonly env: Record<string, string | undefined>;
};
declare const console: { log(...values: unknown[]): void };
`;

const MATH = `export function add(a: number, b: number): number {
  return a + b;
}
`;

export type WorkspaceFiles = Readonly<Record<string, string>>;

/** A compilable workspace with `src/math.ts`; `files` adds or replaces files by relative path. */
export function aWorkspace(files: WorkspaceFiles = {}): WorkspaceFiles {
  return {
    'package.json': PACKAGE_JSON,
    'tsconfig.json': TSCONFIG_JSON,
    'types/node.d.ts': AMBIENT_TYPES,
    'src/math.ts': MATH,
    ...files,
  };
}

/** Two passing tests and a skipped one. */
export const PASSING = aWorkspace({
  'test/math.test.ts': `import { test } from 'node:test';
import assert from 'node:assert';
import { add } from '../src/math';

test('adds two numbers', () => {
  assert.strictEqual(add(2, 3), 5);
});

test('adds negative numbers', () => {
  assert.strictEqual(add(-2, -3), -5);
});

test('subtracts', { skip: 'not implemented yet' }, () => {
  assert.strictEqual(add(2, -3), -1);
});
`,
});

/** A type error on line 2, column 14 of src/constants.ts. */
export const TYPE_ERROR = aWorkspace({
  'src/constants.ts': `// the answer
export const answer: number = 'forty-two';
`,
  'test/math.test.ts': PASSING['test/math.test.ts'],
});

/** One passing test, one failing assertion. */
export const FAILING_TEST = aWorkspace({
  'test/math.test.ts': `import { test } from 'node:test';
import assert from 'node:assert';
import { add } from '../src/math';

test('adds two numbers', () => {
  assert.strictEqual(add(2, 3), 5);
});

test('adds two and two', () => {
  assert.strictEqual(add(2, 2), 5, 'two and two make five');
});
`,
});

/**
 * A passing first file, then one that starts a grandchild process, records the pids, and spins
 * forever.
 */
export const INFINITE_LOOP = aWorkspace({
  'test/a-first.test.ts': PASSING['test/math.test.ts'],
  'test/z-loop.test.ts': `import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

test('never finishes', () => {
  const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  writeFileSync('pids.json', JSON.stringify({ test: process.pid, runner: process.ppid, sleeper: sleeper.pid }));
  for (;;) {
    // spin
  }
});
`,
});

/** One file grows the JS heap without bound, another allocates ArrayBuffers (outside the heap). */
export const MEMORY_HOG = aWorkspace({
  'test/heap.test.ts': `import { test } from 'node:test';

test('grows the heap forever', () => {
  const keep: unknown[] = [];
  for (;;) keep.push(new Array(1_000_000).fill(0.5));
});
`,
  'test/buffers.test.ts': `import { test } from 'node:test';

test('allocates buffers forever', () => {
  const keep: Uint8Array[] = [];
  for (;;) keep.push(new Uint8Array(64 * 1024 * 1024).fill(1));
});
`,
});

/** Prints its whole environment, and records it in a file too. */
export const ENV_PRINTER = aWorkspace({
  'test/env.test.ts': `import { test } from 'node:test';
import { writeFileSync } from 'node:fs';

test('prints the environment', () => {
  console.log('ENVIRONMENT ' + JSON.stringify(process.env));
  writeFileSync('environment.json', JSON.stringify(process.env));
});
`,
});

/** Writes `files` under `base/name` and returns the directory. */
export function writeWorkspace(base: string, name: string, files: WorkspaceFiles): string {
  const root = join(base, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
