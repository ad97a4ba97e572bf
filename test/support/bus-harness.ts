import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Pool } from 'pg';
import { BusClient, BusModule, PostgresDriver } from '@cogo/bus';
import { waitFor } from './process-tools';

const FIXTURE_MAIN = resolve(__dirname, '../../dist-test/test/support/bus-fixture/fixture-worker.main.js');

/** Routes of the fixture group, as an agent would configure them. */
export const FIXTURE_ROUTES = { 'fixture.*': 'fixture' } as const;

export interface FixtureWorker {
  readonly instanceId: string;
  readonly process: ChildProcess;
  output: string;
  /** SIGTERM and wait for the graceful stop to finish. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing released. */
  kill(): Promise<void>;
}

/** Starts the fixture worker (compiled by the global setup) as a real Node process. */
export async function startFixtureWorker(options: {
  databaseUrl: string;
  instanceId: string;
  group?: string;
  env?: Record<string, string>;
}): Promise<FixtureWorker> {
  const child = spawn(process.execPath, ['--enable-source-maps', FIXTURE_MAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      GROUP: options.group ?? 'fixture',
      INSTANCE_ID: options.instanceId,
      ...options.env,
    },
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const worker: FixtureWorker = {
    instanceId: options.instanceId,
    process: child,
    output: '',
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  child.stdout.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`fixture worker exited early:\n${worker.output}`);
      return worker.output.includes('READY') ? true : undefined;
    },
    `fixture worker ${options.instanceId} to be ready`,
    30_000,
  );
  return worker;
}

export interface TestCaller {
  readonly client: BusClient;
  readonly app: INestApplicationContext;
  close(): Promise<void>;
}

/** The calling side in the test process: a Nest context with the bus module, as an agent has. */
export async function createCaller(
  databaseUrl: string,
  options: { instanceId?: string; timeoutMs?: number; pollIntervalMs?: number } = {},
): Promise<TestCaller> {
  const instanceId = options.instanceId ?? `caller:${Math.random().toString(16).slice(2, 10)}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      BusModule.forRoot({
        agent: 'caller',
        instanceId,
        version: 'test',
        routes: FIXTURE_ROUTES,
        client: { timeoutMs: options.timeoutMs ?? 20_000, pollIntervalMs: options.pollIntervalMs ?? 1_000 },
        driver: () =>
          new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId, keepAliveMs: 1_000 }),
      }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const client = app.get(BusClient);
  await client.connect();
  return {
    client,
    app,
    close: () => app.close(),
  };
}

export async function createFixtureTables(pool: Pool): Promise<void> {
  await pool.query(`
    create table if not exists fixture_executions (
      id bigserial primary key,
      message_id uuid not null,
      key text not null,
      instance_id text not null,
      attempt integer not null,
      trace_id text not null,
      at timestamptz not null default now()
    )`);
}
