import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

/**
 * `send()` got no reply in time. The request may still run later unless its deadline passed
 * first; send it again with the same idempotency key to be safe against running it twice.
 */
export class RequestTimeoutException extends BusRpcException {
  constructor(
    readonly pattern: string,
    readonly requestId: string,
    readonly timeoutMs: number,
  ) {
    super({
      code: BusErrorCode.RequestTimeout,
      message: `No reply to "${pattern}" (message ${requestId}) within ${timeoutMs} ms. Is an agent serving it running? Raise the timeout with BusRecordBuilder.setTimeout() for slow work.`,
      retryable: true,
    });
  }
}
