import { PermanentRpcException } from '@cogo/bus';

/** The workspace directory does not exist (or is not a directory) under ARTIFACTS_BASE. */
export class WorkspaceNotFoundException extends PermanentRpcException {
  static readonly code = 'WORKSPACE_NOT_FOUND';

  constructor(workspace: string, reason = 'does not exist') {
    super(
      WorkspaceNotFoundException.code,
      `workspace "${workspace}" ${reason} under ARTIFACTS_BASE of this worker. Run codegen.generate first and pass the workspace it returned; check that every worker shares the same ARTIFACTS_BASE volume.`,
      { field: 'workspace' },
    );
  }
}
