import type { CodeSpecDto } from '@cogo/contracts';
import { excerpt } from '../http/redact-secrets';
import type { WorkspaceFile } from '../workspace/workspace-file';
import { sourcePath } from '../workspace/workspace-paths';

export type CogoWorkerAnswer =
  { readonly ok: true; readonly files: readonly WorkspaceFile[] } | { readonly ok: false; readonly problem: string };

export const MAX_COGO_FILES = 32;
export const MAX_COGO_FILE_BYTES = 512 * 1024;

/**
 * `src/` then `/`-separated segments that start with a letter, digit, `_` or `-` (so never `.` or
 * `..`), ending in `.ts`: a relative path that stays inside the workspace's `src/` folder.
 */
const SOURCE_PATH = /^src\/(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.ts$/;

/**
 * Reads the cogo-worker's `POST /generate` answer, `{"files":[{"path","content"}]}`, and refuses
 * anything outside the contract: a path outside `src/` (absolute, `..`, a backslash), too many or
 * too large files, duplicates, or a missing `src/<module>.ts`.
 */
export function parseCogoWorkerAnswer(body: string, spec: CodeSpecDto): CogoWorkerAnswer {
  let answer: unknown;
  try {
    answer = JSON.parse(body) as unknown;
  } catch {
    return fail(`the answer is not JSON: ${excerpt(body)}`);
  }
  const files = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>).files : undefined;
  if (!Array.isArray(files)) return fail(`expected {"files":[{"path","content"}]}, got ${excerpt(body)}`);
  if (files.length === 0 || files.length > MAX_COGO_FILES) {
    return fail(`"files" must hold 1 to ${MAX_COGO_FILES} files, got ${files.length}`);
  }

  const result: WorkspaceFile[] = [];
  const seen = new Set<string>();
  for (const [index, file] of files.entries()) {
    const path = typeof file === 'object' && file !== null ? (file as Record<string, unknown>).path : undefined;
    const content = typeof file === 'object' && file !== null ? (file as Record<string, unknown>).content : undefined;
    if (typeof path !== 'string' || typeof content !== 'string') {
      return fail(`files[${index}] needs a string "path" and a string "content"`);
    }
    if (path.length > 200 || !SOURCE_PATH.test(path)) {
      return fail(
        `files[${index}].path ${JSON.stringify(excerpt(path, 80))} is not allowed: paths are relative, under src/, end in .ts, and have no "." or ".." segments`,
      );
    }
    if (seen.has(path)) return fail(`files[${index}].path "${path}" appears twice`);
    if (Buffer.byteLength(content, 'utf8') > MAX_COGO_FILE_BYTES) {
      return fail(`files[${index}] ("${path}") is larger than ${MAX_COGO_FILE_BYTES} bytes`);
    }
    seen.add(path);
    result.push({ path, content });
  }
  if (!seen.has(sourcePath(spec.module))) return fail(`the answer has no "${sourcePath(spec.module)}"`);
  return { ok: true, files: result };
}

function fail(problem: string): CogoWorkerAnswer {
  return { ok: false, problem };
}
