import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

/** The payload cannot be stored as JSON in Postgres; refused before anything is sent. */
export class InvalidPayloadException extends BusRpcException {
  constructor(problem: string) {
    super({
      code: BusErrorCode.InvalidPayload,
      message: `The message payload ${problem}; nothing was sent. Remove or encode that value (base64 for binary data) and send again.`,
      retryable: false,
    });
  }
}
