import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root, whatever directory Jest was started from. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}

export function readRepoFile(path: string): string {
  return readFileSync(repoPath(path), 'utf8');
}

/** Every file under a repository folder, as repository-relative paths, sorted. */
export function listRepoFiles(folder: string, extensions: readonly string[] = []): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (extensions.length === 0 || extensions.some((ext) => entry.endsWith(ext))) {
        found.push(relative(REPO_ROOT, full));
      }
    }
  };
  walk(repoPath(folder));
  return found.sort();
}

/**
 * The documents of a YAML file, strictly: a syntax error, a duplicate key or a warning fails the
 * parse instead of producing a half-read document. `<<` merge keys are resolved (compose files use
 * them for shared service settings).
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  for (const document of parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true })) {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) {
      throw new Error(`${source}: ${problems.map((problem) => problem.message).join('; ')}`);
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** A single-document YAML file of the repository, parsed strictly. */
export function readYaml(path: string): unknown {
  const documents = parseYamlDocuments(readRepoFile(path), path);
  if (documents.length !== 1) throw new Error(`${path}: expected one YAML document, found ${documents.length}`);
  return documents[0];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
