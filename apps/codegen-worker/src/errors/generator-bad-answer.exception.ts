import { BusRpcException } from '@cogo/bus';
import { CodegenErrorCode, type RemoteGenerator } from './codegen-error-codes';

/**
 * The endpoint answered, but not as its contract asks. Whether a retry can help depends on the
 * generator: a language model samples a new answer each time; a deterministic service does not.
 */
export class GeneratorBadAnswerException extends BusRpcException {
  constructor(generator: RemoteGenerator, problem: string, retryable: boolean) {
    super({
      code: CodegenErrorCode.GeneratorBadAnswer,
      message: `The ${generator} generator gave an answer that cannot be used: ${problem}`,
      retryable,
      details: { generator },
    });
  }
}
