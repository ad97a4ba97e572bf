import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BusClient, BusModule, PostgresDriver, connectBus } from '@cogo/bus';
import { loadConfig } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { CodegenWorkerModule } from '../../../../apps/codegen-worker/src/codegen-worker.module';

export interface RunningCodegenWorker {
  readonly app: INestApplication;
  stop(): Promise<void>;
}

/**
 * The codegen worker as `startAgent` boots it (environment parsed by `loadConfig`, the bus
 * connected as a hybrid microservice with the global validation pipe), in this process, on a
 * test database. No HTTP port is opened: the bus is how it is reached.
 */
export async function startCodegenWorker(env: Record<string, string>): Promise<RunningCodegenWorker> {
  const config = loadConfig('codegen-worker', env);
  const moduleRef = await Test.createTestingModule({ imports: [CodegenWorkerModule.register(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  connectBus(app);
  await app.startAllMicroservices();
  await app.init();
  return { app, stop: () => app.close() };
}

export interface BusCaller {
  readonly client: BusClient;
  readonly app: INestApplicationContext;
  close(): Promise<void>;
}

/** Another agent on the same bus, with the system's route table: it reaches `codegen.*` by group. */
export async function createBusCaller(databaseUrl: string): Promise<BusCaller> {
  const instanceId = `caller:${Math.random().toString(16).slice(2, 10)}`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      BusModule.forRoot({
        agent: 'caller',
        instanceId,
        version: 'test',
        routes: BUS_ROUTES,
        client: { timeoutMs: 20_000, pollIntervalMs: 1_000 },
        driver: () =>
          new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId, keepAliveMs: 1_000 }),
      }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const client = app.get(BusClient);
  await client.connect();
  return { client, app, close: () => app.close() };
}
