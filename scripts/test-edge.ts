/**
 * `npm run test:edge`: the Deno tests of the agent-ingress Edge Function against a real Postgres.
 * Starts a throw-away embedded Postgres, applies supabase/migrations, runs `deno test` with
 * SUPABASE_DB_URL and a random JWT secret in its environment, streams its output, stops Postgres
 * and exits with deno's exit code. Extra arguments go to `deno test` (e.g. `--filter 413`).
 *
 * Deno's cache lives in node_modules/.cache/deno (override with DENO_DIR); its only download is
 * `npm:` packages from the npm registry, pinned by the function's deno.lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddedPostgres, createPgPool, runMigrations } from '@cogo/store';

const FUNCTION_DIR = join('supabase', 'functions', 'agent-ingress');

function say(line: string): void {
  process.stdout.write(`[test:edge] ${line}\n`);
}

/** The repository root: found from this file, whether it runs from dist/scripts or scripts. */
function findRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, FUNCTION_DIR, 'deno.json'))) return dir;
    if (dir === dirname(dir)) throw new Error(`Cannot find ${FUNCTION_DIR}/deno.json above ${__dirname}.`);
  }
}

/** The binary the `deno` npm package installed; its launcher as a fallback (it installs on demand). */
function denoCommand(): [string, ...string[]] {
  const packageDir = dirname(require.resolve('deno/package.json'));
  const binary = join(packageDir, process.platform === 'win32' ? 'deno.exe' : 'deno');
  return existsSync(binary) ? [binary] : [process.execPath, join(packageDir, 'bin.cjs')];
}

/** Ours, minus any Supabase settings of the developer's shell: the tests get only the test ones. */
function denoEnvironment(root: string, databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('SUPABASE_') && !name.startsWith('AGENT_INGRESS_')) env[name] = value;
  }
  return {
    ...env,
    DENO_DIR: process.env.DENO_DIR ?? join(root, 'node_modules', '.cache', 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    SUPABASE_DB_URL: databaseUrl,
    SUPABASE_JWT_SECRET: randomBytes(32).toString('base64url'),
  };
}

function runDeno(root: string, env: NodeJS.ProcessEnv, extraArgs: readonly string[]): Promise<number> {
  const [command, ...prefix] = denoCommand();
  const args = [
    ...prefix,
    'test',
    '--no-prompt',
    '--frozen',
    '--config',
    join(FUNCTION_DIR, 'deno.json'),
    '--allow-net=127.0.0.1,localhost',
    '--allow-env',
    ...extraArgs,
    FUNCTION_DIR,
  ];
  say(`deno ${args.slice(prefix.length).join(' ')}`);
  const child: ChildProcess = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
  // A Ctrl-C reaches deno too (same process group); a TERM sent to us alone is passed on. Either
  // way this process stays alive until deno is gone, so that Postgres is stopped afterwards.
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((done) => {
    child.once('error', (error) => {
      say(`could not start deno: ${error.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

async function main(): Promise<number> {
  const root = findRoot();
  const started = Date.now();
  const tempRoot = mkdtempSync(join(tmpdir(), 'cogo-edge-pg-'));
  // As root, the server runs as the `postgres` OS user, which must be able to enter this folder.
  chmodSync(tempRoot, 0o755);
  let postgres: EmbeddedPostgres | undefined;
  // Ctrl-C while Postgres starts: finish starting, then stop it below instead of dying half-way.
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    postgres = await EmbeddedPostgres.start({
      dataDir: join(tempRoot, 'data'),
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    const pool = createPgPool({ connectionString: postgres.url(), max: 1, applicationName: 'test-edge' });
    try {
      const { applied } = await runMigrations(pool, { directory: join(root, 'supabase', 'migrations') });
      say(`Postgres on port ${postgres.port}, ${applied.length} migrations applied (${Date.now() - started} ms)`);
    } finally {
      await pool.end();
    }
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    if (interrupted) return 130;
    return await runDeno(root, denoEnvironment(root, postgres.url()), process.argv.slice(2));
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await postgres?.stop();
    rmSync(tempRoot, { recursive: true, force: true });
    say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[test:edge] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
