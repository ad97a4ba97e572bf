import { PermanentRpcException } from '@cogo/bus';

/** The repository name (given, or the root's base name) cannot name a repository in the index. Not retried. */
export class RepositoryNameInvalidException extends PermanentRpcException {
  constructor(name: string, root: string) {
    super(
      'INDEX_REPOSITORY_NAME_INVALID',
      `repository "${name}" (the base name of ${root}) is not a valid repository name. Pass \`repository\`: ` +
        '1 to 128 characters of letters, digits, "_", ".", ":" and "-".',
      { repository: name, root },
    );
  }
}
