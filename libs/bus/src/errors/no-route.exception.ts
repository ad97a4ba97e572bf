import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

export class NoRouteException extends BusRpcException {
  constructor(readonly pattern: string) {
    super({
      code: BusErrorCode.NoRoute,
      message: `No consumer group is known for pattern "${pattern}". Add it to the bus routes (BusModule.forRoot({ routes })), or name the recipient with BusRecordBuilder.setRecipient().`,
      retryable: false,
    });
  }
}
