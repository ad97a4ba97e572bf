import { BusRpcException } from '@cogo/bus';
import { CodegenErrorCode } from './codegen-error-codes';

/** The file system refused a write; often passing (a full disk being cleaned), so retried. */
export class ArtifactWriteException extends BusRpcException {
  constructor(workspace: string, reason: string) {
    super({
      code: CodegenErrorCode.ArtifactWriteFailed,
      message: `Could not write workspace "${workspace}": ${reason}. Check that ARTIFACTS_BASE exists, is writable and has free space.`,
      retryable: true,
    });
  }
}
