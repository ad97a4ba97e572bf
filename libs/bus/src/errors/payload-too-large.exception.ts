import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

export class PayloadTooLargeException extends BusRpcException {
  constructor(bytes: number, limit: number) {
    super({
      code: BusErrorCode.PayloadTooLarge,
      message: `The message payload is ${bytes} bytes; the bus takes at most ${limit}. Store large data as an artifact and send its reference.`,
      retryable: false,
    });
  }
}
