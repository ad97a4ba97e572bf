import { PermanentRpcException } from '@cogo/bus';
import { CodegenErrorCode, type RemoteGenerator } from './codegen-error-codes';

/** A 4xx answer: the same request would be refused again until a setting or the spec changes. */
export class GeneratorRejectedException extends PermanentRpcException {
  constructor(generator: RemoteGenerator, status: number, reason: string) {
    super(
      CodegenErrorCode.GeneratorRejected,
      `The ${generator} generator refused the request (HTTP ${status}): ${reason}`,
      {
        generator,
        status,
      },
    );
  }
}
