import { randomBytes } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { lastValueFrom } from 'rxjs';
import { BusClient, BusModule, PostgresDriver, connectBus } from '@cogo/bus';
import { loadConfig } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { BuildTestWorkerModule } from '../../../apps/build-test-worker/src/build-test-worker.module';
import type { SandboxOptions } from '../../../apps/build-test-worker/src/sandbox.options';

/**
 * The build-test worker as `startAgent` boots it (same module, same validation pipe and error
 * mapping, real Postgres bus), in the test process, without its HTTP listener.
 */
export async function startBuildTestWorker(options: {
  databaseUrl: string;
  artifactsBase: string;
  sandbox?: Partial<SandboxOptions>;
}): Promise<INestApplication> {
  const config = loadConfig('build-test-worker', {
    DATABASE_URL: options.databaseUrl,
    ARTIFACTS_BASE: options.artifactsBase,
    AGENT_INSTANCE_ID: `build-test-worker:${randomBytes(4).toString('hex')}`,
  });
  const app = await NestFactory.create(BuildTestWorkerModule.register(config, options.sandbox), {
    logger: ['error', 'warn'],
  });
  connectBus(app);
  await app.init();
  await app.startAllMicroservices();
  return app;
}

/** Another agent: sends requests along the system's route table. */
export class BusCaller {
  private constructor(
    private readonly app: INestApplicationContext,
    readonly client: BusClient,
  ) {}

  static async connect(databaseUrl: string): Promise<BusCaller> {
    const instanceId = `caller:${randomBytes(4).toString('hex')}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        BusModule.forRoot({
          agent: 'caller',
          instanceId,
          version: 'test',
          routes: BUS_ROUTES,
          client: { timeoutMs: 45_000, pollIntervalMs: 500 },
          driver: () =>
            new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId, keepAliveMs: 1_000 }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const client = app.get(BusClient);
    await client.connect();
    return new BusCaller(app, client);
  }

  send<T>(pattern: string, payload: unknown): Promise<T> {
    return lastValueFrom(this.client.send<T>(pattern, payload));
  }

  /** The remote error of a request that should fail. */
  async failure(pattern: string, payload: unknown): Promise<{ code: string; message: string; retryable: boolean }> {
    const outcome = await this.send<unknown>(pattern, payload).then(
      (value) => ({ value }),
      (error: unknown) => ({ error: error as { code: string; message: string; retryable: boolean } }),
    );
    if ('value' in outcome)
      throw new Error(`expected ${pattern} to fail, it answered ${JSON.stringify(outcome.value)}`);
    return outcome.error;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
