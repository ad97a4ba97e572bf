import { BusRpcException } from '@cogo/bus';

/**
 * The handler's lease was lost (or the worker is shutting down) while a sandboxed process ran:
 * the process group was killed and the message is left to the attempt that now owns it.
 */
export class RunAbortedException extends BusRpcException {
  static readonly code = 'RUN_ABORTED';

  constructor(workspace: string) {
    super({
      code: RunAbortedException.code,
      message: `the run on workspace "${workspace}" was stopped because this worker lost the message's lease or is shutting down; it will be retried, nothing needs to be done.`,
      retryable: true,
    });
  }
}
