import { PermanentRpcException } from '@cogo/bus';

/** The requested workspace lies outside ARTIFACTS_BASE (`..`, an absolute path or a symlink out). */
export class InvalidWorkspaceException extends PermanentRpcException {
  static readonly code = 'INVALID_WORKSPACE';

  constructor(workspace: string, reason: string) {
    super(
      InvalidWorkspaceException.code,
      `workspace "${workspace}" ${reason}. Pass the path relative to ARTIFACTS_BASE that codegen.generate returned (like <trace_id>/<module>), with no "..", no leading "/" and no symlink leading outside.`,
      { field: 'workspace' },
    );
  }
}
