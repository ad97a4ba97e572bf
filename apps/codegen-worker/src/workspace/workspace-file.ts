/** One file of a generated workspace. */
export interface WorkspaceFile {
  /** Relative to the workspace, `/`-separated (`src/strings.ts`). */
  readonly path: string;
  readonly content: string;
}
