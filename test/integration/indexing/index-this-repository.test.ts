import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IndexResult } from '@cogo/contracts';
import { type TestDatabase, createTestDatabase } from '../../support/test-database';
import { type IndexingWorker, filesOf, startIndexingWorker, symbolsOf } from './indexing-worker.harness';

const REPO_ROOT = resolve(__dirname, '../../..');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Git with no user or system configuration: only the repository's .gitignore files count. */
function git(args: string[], input?: string): string {
  return execFileSync('git', args, {
    cwd: REPO_ROOT,
    input,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

/** Which of `paths` the .gitignore patterns exclude, tracked or not. */
function checkIgnore(paths: readonly string[]): string[] {
  try {
    return git(['check-ignore', '--no-index', '-z', '--stdin'], paths.join('\0'))
      .split('\0')
      .filter((path) => path !== '');
  } catch (error) {
    // Exit code 1: none of them is ignored.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

/** The 1-based line of `path` (in this repository) that contains `text`, read now. */
function lineOf(path: string, text: string): number {
  const index = readFileSync(join(REPO_ROOT, path), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`${path} has no line with ${text}`);
  return index + 1;
}

describe('indexing this repository', () => {
  let db: TestDatabase;
  let worker: IndexingWorker;
  let result: IndexResult;

  beforeAll(async () => {
    db = await createTestDatabase();
    worker = await startIndexingWorker(db.url);
    result = await worker.service.index({ root: REPO_ROOT, repository: 'cogo-agent-core' }, { traceId: TRACE_ID });
  });

  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  it('indexes every file it sees on a first run', async () => {
    expect(result.repository).toBe('cogo-agent-core');
    expect(result.filesSeen).toBeGreaterThan(100);
    expect(result).toMatchObject({ filesIndexed: result.filesSeen, filesUnchanged: 0, filesDeleted: 0 });
    const { rows } = await db.pool.query<{
      file_count: number;
      symbol_count: number;
      root: string;
      last_trace_id: string;
    }>("select file_count, symbol_count, root, last_trace_id from code_repositories where name = 'cogo-agent-core'");
    expect(rows).toEqual([
      { file_count: result.filesSeen, symbol_count: result.symbols, root: REPO_ROOT, last_trace_id: TRACE_ID },
    ]);
    expect(result.symbols).toBeGreaterThan(200);
  });

  it.each([
    ['libs/bus/src/server/bus.server.ts', 'export class BusServer', 'BusServer', 'class'],
    ['libs/config/src/load-config.ts', 'export function loadConfig', 'loadConfig', 'function'],
    ['libs/bus/src/interfaces/bus-driver.interface.ts', 'export interface BusDriver', 'BusDriver', 'interface'],
    ['libs/bus/src/interfaces/bus-message.interface.ts', 'export type MessageKind', 'MessageKind', 'type'],
    ['libs/bus/src/drivers/sql-arguments.ts', 'export const wakeupChannel', 'wakeupChannel', 'function'],
    ['libs/contracts/src/patterns.ts', 'export const Patterns', 'Patterns', 'const'],
    ['apps/indexing-worker/src/indexing.service.ts', 'export class IndexingService', 'IndexingService', 'class'],
  ])('finds %s: %s', async (path, declaration, name, kind) => {
    const { rows } = await db.pool.query<{ kind: string; line: number; end_line: number; exported: boolean }>(
      `select kind, line, end_line, exported from code_symbols
       where repository = 'cogo-agent-core' and path = $1 and name = $2`,
      [path, name],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind, line: lineOf(path, declaration), exported: true });
    expect(rows[0].end_line).toBeGreaterThanOrEqual(rows[0].line);
  });

  it('records a file with its language, size, hash and line count', async () => {
    const path = 'test/integration/indexing/index-this-repository.test.ts';
    const content = readFileSync(join(REPO_ROOT, path));
    const file = (await filesOf(db.pool, 'cogo-agent-core')).find((row) => row.path === path);
    expect(file).toMatchObject({
      language: 'ts',
      size_bytes: String(content.length),
      sha256: createHash('sha256').update(content).digest('hex'),
      lines: content.toString('utf8').split('\n').length - (content.at(-1) === 0x0a ? 1 : 0),
    });
  });

  it('indexes nothing that .gitignore excludes, nor node_modules or .git', async () => {
    const paths = (await filesOf(db.pool, 'cogo-agent-core')).map((row) => row.path);
    const outside = paths.filter(
      (path) => /(^|\/)(node_modules|\.git)\//.test(path) || /^(dist|dist-test|\.cogo|reports|coverage)\//.test(path),
    );
    expect(outside).toEqual([]);
    expect(checkIgnore(paths)).toEqual([]);
    const symbols = await symbolsOf(db.pool, 'cogo-agent-core');
    expect(symbols.filter((symbol) => symbol.path.includes('node_modules/'))).toEqual([]);
  });

  it('indexes every tracked file that is still a regular file on disk', async () => {
    const indexed = new Set((await filesOf(db.pool, 'cogo-agent-core')).map((row) => row.path));
    const tracked = git(['ls-files', '-z'])
      .split('\0')
      .filter((path) => path !== '');
    const forceAdded = new Set(checkIgnore(tracked));
    const present = tracked.filter((path) => {
      if (forceAdded.has(path)) return false; // tracked although a pattern excludes it: the walk skips it

      try {
        return lstatSync(join(REPO_ROOT, path)).isFile();
      } catch {
        return false; // deleted in this working tree
      }
    });
    expect(present.length).toBeGreaterThan(100);
    expect(present.filter((path) => !indexed.has(path))).toEqual([]);
  });
});
