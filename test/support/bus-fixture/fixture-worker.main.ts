/**
 * A real Nest process on the bus for the transport's tests: `node fixture-worker.main.js` with
 * GROUP, INSTANCE_ID, the driver's settings (see `fixtureDriver`) and optional LEASE_MS,
 * CONCURRENCY, RETRY_BASE_MS, DRAIN_TIMEOUT_MS, POLL_INTERVAL_MS. Prints "READY" when it
 * listens, one "EXECUTED {...}" line per handler effect, and "CLOSED" after a graceful stop
 * (SIGTERM).
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusModule, connectBus } from '@cogo/bus';
import { fixtureDriver } from './fixture-driver';
import { FIXTURE_INSTANCE, FixtureHandlers } from './fixture.handlers';

async function main(): Promise<void> {
  const env = process.env;
  const instanceId = env.INSTANCE_ID!;
  const number = (name: string, fallback: number): number => Number(env[name] ?? fallback);

  @Module({
    imports: [
      BusModule.forRoot({
        agent: env.GROUP!,
        instanceId,
        version: 'fixture',
        driver: () => fixtureDriver(env, instanceId),
        server: {
          concurrency: number('CONCURRENCY', 16),
          leaseMs: number('LEASE_MS', 30_000),
          retryBaseMs: number('RETRY_BASE_MS', 1_000),
          drainTimeoutMs: number('DRAIN_TIMEOUT_MS', 10_000),
          pollIntervalMs: number('POLL_INTERVAL_MS', 1_000),
        },
      }),
    ],
    controllers: [FixtureHandlers],
    providers: [{ provide: FIXTURE_INSTANCE, useValue: instanceId }],
  })
  class FixtureWorkerModule {}

  const app = await NestFactory.create(FixtureWorkerModule, { logger: ['error', 'warn'] });
  connectBus(app);
  await app.startAllMicroservices();
  await app.init();
  process.stdout.write('READY\n');
  process.once('SIGTERM', () => {
    void app.close().then(() => {
      process.stdout.write('CLOSED\n');
      process.exit(0);
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fixture worker failed: ${String(error)}\n`);
  process.exit(1);
});
