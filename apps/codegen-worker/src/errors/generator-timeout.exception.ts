import { BusRpcException } from '@cogo/bus';
import { CodegenErrorCode, type RemoteGenerator } from './codegen-error-codes';

/** A slow endpoint may be quicker next time: retried with backoff by the bus. */
export class GeneratorTimeoutException extends BusRpcException {
  constructor(generator: RemoteGenerator, timeoutMs: number, setting: string) {
    super({
      code: CodegenErrorCode.GeneratorTimeout,
      message: `The ${generator} generator did not answer within ${timeoutMs} ms. It will be retried; if it keeps timing out, raise ${setting} or check the endpoint's load.`,
      retryable: true,
      details: { generator, timeoutMs },
    });
  }
}
