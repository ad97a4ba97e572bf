import { PermanentRpcException } from '@cogo/bus';
import { CodegenErrorCode } from './codegen-error-codes';

/** The requested generator is not set up in this worker's environment. */
export class GeneratorNotConfiguredException extends PermanentRpcException {
  constructor(generator: string, howToConfigure: string) {
    super(
      CodegenErrorCode.GeneratorNotConfigured,
      `The ${generator} generator is not configured: ${howToConfigure}, or use generator "template".`,
      { generator },
    );
  }
}
