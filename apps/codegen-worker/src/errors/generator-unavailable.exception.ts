import { BusRpcException } from '@cogo/bus';
import { CodegenErrorCode, type RemoteGenerator } from './codegen-error-codes';

/** The endpoint is down or overloaded (connection refused, 5xx, 429): a later attempt may succeed. */
export class GeneratorUnavailableException extends BusRpcException {
  constructor(generator: RemoteGenerator, reason: string, status?: number) {
    super({
      code: CodegenErrorCode.GeneratorUnavailable,
      message: `The ${generator} generator is unavailable: ${reason}. It will be retried; check that the endpoint is running.`,
      retryable: true,
      details: { generator, ...(status === undefined ? {} : { status }) },
    });
  }
}
