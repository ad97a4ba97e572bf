import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');
const TSC = resolve(ROOT, 'node_modules/typescript/bin/tsc');

export interface ProcessResult {
  readonly exitCode: number | null;
  readonly output: string;
}

/**
 * The two commands the build-test worker runs on a workspace, as child processes:
 * `node <repo>/node_modules/typescript/bin/tsc -p <workspace>/tsconfig.json`, then
 * `node --test --test-reporter=tap <workspace>/dist/test/`.
 */
export function compileWorkspace(workspaceDir: string): Promise<ProcessResult> {
  return run([TSC, '-p', resolve(workspaceDir, 'tsconfig.json')]);
}

export function testWorkspace(workspaceDir: string): Promise<ProcessResult> {
  return run(['--test', '--test-reporter=tap', `${resolve(workspaceDir, 'dist/test')}/`]);
}

function run(args: string[]): Promise<ProcessResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      // Nothing of the test process's environment leaks in; the child gets a 30 s budget.
      { cwd: ROOT, timeout: 30_000, env: { PATH: process.env.PATH ?? '' }, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ exitCode, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** The `ok` / `not ok` lines of a TAP report: test name -> passed. */
export function tapResults(output: string): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  for (const match of output.matchAll(/^(not ok|ok) \d+ - (.*)$/gm)) results[match[2]] = match[1] === 'ok';
  return results;
}
