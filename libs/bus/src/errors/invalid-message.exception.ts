import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

/** A pattern, recipient or option that the bus cannot store; refused before anything is sent. */
export class InvalidMessageException extends BusRpcException {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super({
      code: BusErrorCode.InvalidMessage,
      message: `The message's ${field} ${problem}; nothing was sent.`,
      retryable: false,
    });
  }
}
