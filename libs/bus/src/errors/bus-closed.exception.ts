import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

export class BusClosedException extends BusRpcException {
  constructor(what: string) {
    super({
      code: BusErrorCode.Closed,
      message: `The bus ${what} is closed (the application is shutting down); nothing was sent.`,
      retryable: true,
    });
  }
}
