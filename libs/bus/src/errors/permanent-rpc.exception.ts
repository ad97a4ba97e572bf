import { BusRpcException } from './bus-rpc.exception';

/**
 * A handler error that retrying cannot fix (bad input, a missing resource): the message fails at
 * once and the caller gets this code and message.
 */
export class PermanentRpcException extends BusRpcException {
  constructor(code: string, message: string, details?: unknown) {
    super({ code, message, retryable: false, ...(details === undefined ? {} : { details }) });
  }
}
