/**
 * Shared by the smoke checks: use the stack at API_URL (and DATABASE_URL for table assertions), or
 * start an embedded one in a temporary folder; print PASS/FAIL lines; exit non-zero on failure.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LocalStack } from './local-stack';

export interface SmokeTarget {
  readonly apiUrl: string;
  /** Present when the smoke started the stack itself, or DATABASE_URL was given. */
  readonly databaseUrl?: string;
  close(): Promise<void>;
}

export async function smokeTarget(label: string): Promise<SmokeTarget> {
  if (process.env.API_URL) {
    process.stdout.write(`${label}: using the running stack at ${process.env.API_URL}\n`);
    return {
      apiUrl: process.env.API_URL.replace(/\/$/, ''),
      databaseUrl: process.env.DATABASE_URL,
      close: () => Promise.resolve(),
    };
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'cogo-smoke-'));
  chmodSync(stateDir, 0o755);
  const apiPort = await freePortBlock(15);
  process.stdout.write(`${label}: starting the embedded stack (${stateDir})…\n`);
  const stack = await LocalStack.start({
    stateDir,
    apiPort,
    onLog: (source, line, stream) => {
      if (process.env.SMOKE_VERBOSE || (stream === 'stderr' && source !== 'stack'))
        process.stderr.write(`  ${source} | ${line}\n`);
    },
  });
  return {
    apiUrl: stack.apiUrl,
    databaseUrl: stack.databaseUrl,
    close: async () => {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function api<T>(
  target: SmokeTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${target.apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(180_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function query<T>(target: SmokeTarget, sql: string, values: unknown[] = []): Promise<T[]> {
  if (!target.databaseUrl) throw new Error('no DATABASE_URL: set it next to API_URL to check the tables');
  const client = new Client({ connectionString: target.databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export class SmokeFailure extends Error {}

export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new SmokeFailure(what);
}

/** Runs the checks and exits: 0 with a PASS line, 1 with a FAIL line and why. */
export async function runSmoke(label: string, checks: (target: SmokeTarget) => Promise<string[]>): Promise<never> {
  let target: SmokeTarget | undefined;
  let code = 1;
  try {
    target = await smokeTarget(label);
    const traces = await checks(target);
    process.stdout.write(`PASS ${label} traces: ${traces.join(' ')}\n`);
    code = 0;
  } catch (error) {
    process.stdout.write(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await target?.close().catch(() => undefined);
  }
  process.exit(code);
}

export async function freePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: size }, (_, i) => isPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no block of ${size} free ports found`);
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}
