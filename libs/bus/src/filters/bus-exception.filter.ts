import {
  type ArgumentsHost,
  Catch,
  PayloadTooLargeException as HttpPayloadTooLargeException,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { type Observable, throwError } from 'rxjs';
import { toBusError } from '../errors/to-bus-error';

/**
 * Keeps a bus handler's error intact on its way to the transport. Nest's default RPC filter
 * turns anything that is not an RpcException into "Internal server error", which would hide a
 * validation failure and make it look retryable. HTTP errors keep Nest's default handling, except
 * that an oversized request body is told what to do about it.
 */
@Catch()
export class BusExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => toBusError(exception));
    return super.catch(clearerHttpError(exception), host);
  }
}

/** Express's body parser says only "request entity too large". */
function clearerHttpError(exception: unknown): unknown {
  if (
    exception instanceof HttpException &&
    exception.getStatus() === (HttpStatus.PAYLOAD_TOO_LARGE as number) &&
    typeof exception.getResponse() === 'string'
  ) {
    return new HttpPayloadTooLargeException(
      `The request body is larger than this API accepts (${exception.message}). Send large data as a file or an artifact and pass its path instead.`,
    );
  }
  return exception;
}
