import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { type Observable, throwError } from 'rxjs';
import { toBusError } from '../errors/to-bus-error';

/**
 * Keeps a bus handler's error intact on its way to the transport. Nest's default RPC filter
 * turns anything that is not an RpcException into "Internal server error", which would hide a
 * validation failure and make it look retryable. HTTP errors keep Nest's default handling.
 */
@Catch()
export class BusExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() === 'rpc') return throwError(() => toBusError(exception));
    return super.catch(exception, host);
  }
}
