import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { BusErrorPayload } from '../interfaces/bus-message.interface';
import { BusErrorCode } from './bus-error-codes';
import { BusRpcException } from './bus-rpc.exception';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Turns whatever a handler threw into the error stored on the bus. Retryable unless marked
 * otherwise: a `BusRpcException`/`RpcException` with `retryable: false`, a validation failure
 * (`ValidationPipe` throws a 400) or another 4xx, which retrying cannot fix.
 */
export function toBusError(thrown: unknown): BusErrorPayload {
  if (thrown instanceof BusRpcException) return thrown.payload;
  if (thrown instanceof RpcException) return fromObject(thrown.getError());
  if (thrown instanceof HttpException) return fromHttp(thrown);
  if (thrown instanceof Error) return { code: BusErrorCode.HandlerError, message: thrown.message, retryable: true };
  return fromObject(thrown);
}

function fromHttp(exception: HttpException): BusErrorPayload {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const details = isRecord(response) ? response.message : undefined;
  if (status === 400 || status === 422) {
    const fields = Array.isArray(details) ? details.map(String) : undefined;
    return {
      code: BusErrorCode.ValidationFailed,
      message: fields ? `The payload is not valid: ${fields.join('; ')}` : exception.message,
      retryable: false,
      ...(fields ? { details: fields } : {}),
    };
  }
  return {
    code: `HTTP_${status}`,
    message: exception.message,
    retryable: status >= 500 || status === 408 || status === 429,
  };
}

function fromObject(value: unknown): BusErrorPayload {
  if (typeof value === 'string') return { code: 'RPC_ERROR', message: value, retryable: true };
  if (isRecord(value) && typeof value.message === 'string') {
    const code = typeof value.code === 'string' ? value.code : BusErrorCode.HandlerError;
    return {
      code,
      message: value.message,
      retryable: value.retryable !== false,
      ...(value.details === undefined ? {} : { details: value.details }),
    };
  }
  return {
    code: BusErrorCode.HandlerError,
    message: 'The handler failed with a value that is not an error.',
    retryable: true,
  };
}
