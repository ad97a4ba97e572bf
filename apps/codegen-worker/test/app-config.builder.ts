import type { AppConfig } from '@cogo/config';

/** A parsed configuration for a codegen worker, as `loadConfig` would give it. */
export function appConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    agent: 'codegen-worker',
    instanceId: 'codegen-worker:test',
    mode: 'development',
    port: 3000,
    host: '127.0.0.1',
    busDriver: 'postgres',
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    cogoWorker: { enabled: false, timeoutMs: 30_000 },
    artifactsBase: '/tmp/cogo-artifacts-unused',
    logLevel: 'info',
    version: 'test',
    ...overrides,
  };
}
