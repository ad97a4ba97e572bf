/** Where the module's implementation lives in its workspace; every generator must produce it. */
export const sourcePath = (module: string): string => `src/${module}.ts`;

/** The tests made from the spec's examples. */
export const testPath = (module: string): string => `test/${module}.test.ts`;

/** Declarations of the `node:test` and `node:assert/strict` members the tests use. */
export const NODE_TEST_DECLARATIONS_PATH = 'test/node-test.d.ts';
