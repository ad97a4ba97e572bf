import { RpcException } from '@nestjs/microservices';
import type { BusErrorPayload } from '../interfaces/bus-message.interface';

/**
 * An error that travels over the bus as `{code, message, retryable, details}`. Thrown by a handler,
 * it fails the message (retried unless `retryable` is false); returned by `send()`, it carries
 * the remote error's code and message.
 */
export class BusRpcException extends RpcException {
  constructor(readonly payload: BusErrorPayload) {
    super(payload);
  }

  get code(): string {
    return this.payload.code;
  }

  get retryable(): boolean {
    return this.payload.retryable !== false;
  }

  override getError(): BusErrorPayload {
    return this.payload;
  }
}
