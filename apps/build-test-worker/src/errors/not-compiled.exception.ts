import { PermanentRpcException } from '@cogo/bus';

/** `test.run` found no compiled test files (`*.test.js` under dist) in the workspace. */
export class NotCompiledException extends PermanentRpcException {
  static readonly code = 'NOT_COMPILED';

  constructor(workspace: string) {
    super(
      NotCompiledException.code,
      `workspace "${workspace}" has no compiled tests (no *.test.js under dist). Run build.compile on it first and make sure it succeeds; its tsconfig.json must compile test/*.test.ts into dist.`,
      { field: 'workspace' },
    );
  }
}
