import { PermanentRpcException } from '@cogo/bus';
import { CodegenErrorCode } from './codegen-error-codes';

/** The spec cannot be generated as given; the message names the function and what to change. */
export class InvalidSpecException extends PermanentRpcException {
  constructor(message: string, details?: unknown) {
    super(CodegenErrorCode.InvalidSpec, message, details);
  }
}
