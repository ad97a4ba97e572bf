import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Pool } from 'pg';
import { BusClient, BusModule, PostgresDriver, connectBus } from '@cogo/bus';
import type { AppConfig } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { IndexingWorkerModule } from '../../../apps/indexing-worker/src/indexing-worker.module';
import { IndexingService } from '../../../apps/indexing-worker/src/indexing.service';

export interface IndexingWorker {
  readonly app: INestApplication;
  readonly service: IndexingService;
  readonly instanceId: string;
  close(): Promise<void>;
}

/** The configuration `loadConfig` would give the indexing worker against `databaseUrl`. */
export function anIndexingWorkerConfig(databaseUrl: string | undefined): AppConfig {
  return {
    agent: 'indexing-worker',
    instanceId: `indexing-worker:${randomBytes(4).toString('hex')}`,
    mode: 'development',
    port: 0,
    host: '127.0.0.1',
    busDriver: 'postgres',
    databaseUrl,
    cogoWorker: { enabled: false, timeoutMs: 1_000 },
    artifactsBase: tmpdir(),
    logLevel: 'error',
    version: 'test',
  };
}

/**
 * The indexing worker's real module (pg pool, bus, handler, service, repositories) in this
 * process. With `serveBus`, its handler also serves `index.repository` from the bus, as
 * `startAgent` would make it.
 */
export async function startIndexingWorker(
  databaseUrl: string,
  options: { serveBus?: boolean } = {},
): Promise<IndexingWorker> {
  const config = anIndexingWorkerConfig(databaseUrl);
  const moduleRef = await Test.createTestingModule({ imports: [IndexingWorkerModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (options.serveBus) {
    connectBus(app);
    await app.startAllMicroservices();
  }
  await app.init();
  return { app, service: app.get(IndexingService), instanceId: config.instanceId, close: () => app.close() };
}

export interface IndexingCaller {
  readonly client: BusClient;
  readonly app: INestApplicationContext;
  close(): Promise<void>;
}

/** Another agent: sends with the system's route table, so `index.*` reaches the indexing worker. */
export async function createIndexingCaller(databaseUrl: string): Promise<IndexingCaller> {
  const instanceId = `caller:${randomBytes(4).toString('hex')}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      BusModule.forRoot({
        agent: 'caller',
        instanceId,
        version: 'test',
        routes: BUS_ROUTES,
        client: { timeoutMs: 30_000, pollIntervalMs: 200 },
        driver: () => new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId }),
      }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const client = app.get(BusClient);
  await client.connect();
  return { client, app, close: () => app.close() };
}

/** A temporary source tree: `files` maps relative paths to contents. */
export class TempTree {
  readonly root: string;

  constructor(files: Record<string, string> = {}) {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), 'cogo-index-')));
    for (const [path, content] of Object.entries(files)) this.write(path, content);
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  remove(path: string): void {
    rmSync(join(this.root, path));
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface FileRow {
  readonly path: string;
  readonly language: string;
  readonly size_bytes: string;
  readonly sha256: string | null;
  readonly lines: number | null;
  readonly indexed_at: Date;
}

export interface SymbolRow {
  readonly path: string;
  readonly name: string;
  readonly kind: string;
  readonly line: number;
  readonly end_line: number;
  readonly exported: boolean;
}

export async function filesOf(pool: Pool, repository: string): Promise<FileRow[]> {
  const { rows } = await pool.query<FileRow>(
    'select path, language, size_bytes, sha256, lines, indexed_at from code_files where repository = $1 order by path',
    [repository],
  );
  return rows;
}

export async function symbolsOf(pool: Pool, repository: string): Promise<SymbolRow[]> {
  const { rows } = await pool.query<SymbolRow>(
    `select path, name, kind, line, end_line, exported from code_symbols
     where repository = $1 order by path, line, name`,
    [repository],
  );
  return rows;
}
