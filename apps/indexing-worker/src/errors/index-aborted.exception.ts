import { BusRpcException } from '@cogo/bus';

/**
 * The run stopped early because its lease was lost or the worker is shutting down. Retried: what
 * was written so far is consistent, and the next run skips it as unchanged.
 */
export class IndexAbortedException extends BusRpcException {
  constructor(repository: string, filesSeen: number) {
    super({
      code: 'INDEX_ABORTED',
      message: `indexing of repository "${repository}" was stopped after ${filesSeen} file(s) (lease lost or worker shutting down); it is retried and resumes from what was written.`,
      retryable: true,
      details: { repository, filesSeen },
    });
  }
}
