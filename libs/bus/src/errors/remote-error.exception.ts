import type { BusErrorPayload, MessageStatus } from '../interfaces/bus-message.interface';
import { BusRpcException } from './bus-rpc.exception';

/** `send()` rejects with this when the remote handler failed: the remote code and message, and where it ended. */
export class RemoteErrorException extends BusRpcException {
  constructor(
    payload: BusErrorPayload,
    readonly requestId: string,
    readonly outcome: MessageStatus | undefined,
  ) {
    super(payload);
    this.message = `${payload.code}: ${payload.message}`;
  }
}
