import { BusRpcException } from '@cogo/bus';

/** Another run is indexing the same repository. Retried: by then that run has most likely finished. */
export class IndexInProgressException extends BusRpcException {
  constructor(repository: string) {
    super({
      code: 'INDEX_IN_PROGRESS',
      message: `repository "${repository}" is being indexed by another run; this request is retried after it.`,
      retryable: true,
      details: { repository },
    });
  }
}
