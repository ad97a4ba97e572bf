import type { AppConfig } from '@cogo/config';
import { ConfigError } from '@cogo/config';
import { StoreModule } from '@cogo/store';
import { IndexingWorkerModule } from './indexing-worker.module';

const CONFIG: AppConfig = {
  agent: 'indexing-worker',
  instanceId: 'indexing-worker:spec',
  mode: 'development',
  port: 3000,
  host: '127.0.0.1',
  busDriver: 'supabase',
  supabase: { url: 'https://project.supabase.co', serviceRoleKey: 'secret' },
  cogoWorker: { enabled: false, timeoutMs: 1_000 },
  artifactsBase: '/tmp/artifacts',
  logLevel: 'info',
  version: 'test',
};

describe(IndexingWorkerModule.name, () => {
  it('refuses to boot without DATABASE_URL, saying why the indexing worker needs it', () => {
    let thrown: unknown;
    try {
      IndexingWorkerModule.register(CONFIG);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toMatch(/DATABASE_URL is required by the indexing worker/);
    expect((thrown as ConfigError).message).toMatch(/code_repositories, code_files, code_symbols/);
    expect((thrown as ConfigError).message).not.toContain('secret');
  });

  it('gives the worker a pg pool of its own and serves the indexing handler', () => {
    const module = IndexingWorkerModule.register({ ...CONFIG, busDriver: 'postgres', databaseUrl: 'postgres://db/x' });
    expect(module.controllers?.map((controller) => controller.name)).toEqual(['IndexingHandler']);
    expect(module.imports).toContainEqual(expect.objectContaining({ module: StoreModule }));
  });
});
