import { PermanentRpcException } from '@cogo/bus';
import { CodegenErrorCode } from './codegen-error-codes';

/** A path would be written outside ARTIFACTS_BASE or outside its workspace. */
export class UnsafeArtifactPathException extends PermanentRpcException {
  constructor(path: string, within: string) {
    super(
      CodegenErrorCode.UnsafeArtifactPath,
      `Refusing to write "${path}": it is not inside ${within}. Use a relative path without ".." segments.`,
    );
  }
}
