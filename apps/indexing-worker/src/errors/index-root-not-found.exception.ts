import { PermanentRpcException } from '@cogo/bus';

export type UnusableRootReason = 'missing' | 'not-a-directory' | 'unreadable';

const PROBLEM: Readonly<Record<UnusableRootReason, string>> = {
  missing: 'does not exist',
  'not-a-directory': 'is not a directory',
  unreadable: 'cannot be read by the indexing worker',
};

/** `root` of an index.repository request names no directory the worker can walk. Not retried. */
export class IndexRootNotFoundException extends PermanentRpcException {
  constructor(root: string, reason: UnusableRootReason) {
    super(
      'INDEX_ROOT_NOT_FOUND',
      `root "${root}" ${PROBLEM[reason]} on the indexing worker's host. Pass the path of a directory ` +
        "there: absolute, or relative to the worker's working directory.",
      { root, reason },
    );
  }
}
