import type { CodeSpecDto } from '@cogo/contracts';
import { renderExampleTests } from './example-tests.renderer';
import type { WorkspaceFile } from './workspace-file';
import { renderScaffold } from './workspace-scaffold.renderer';

/**
 * Every file of a workspace: the scaffold and example tests every workspace gets, plus what the
 * generator wrote, sorted by path so the same inputs list the same files in the same order.
 */
export function renderWorkspace(spec: CodeSpecDto, generated: readonly WorkspaceFile[]): WorkspaceFile[] {
  const files = [...renderScaffold(spec), renderExampleTests(spec), ...generated];
  const seen = new Set<string>();
  for (const file of files) {
    // Generators only write under src/ (the cogo-worker answer is checked for it): a clash is a bug here.
    if (seen.has(file.path)) throw new Error(`two files of the workspace have the path "${file.path}"`);
    seen.add(file.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
