import { ConfigError } from './errors/config.error';
import { loadConfig } from './load-config';

const LOCAL_DB = 'postgres://postgres:pw@127.0.0.1:5432/postgres';

describe(loadConfig.name, () => {
  it('defaults to development mode, port 3000 and the postgres driver', () => {
    const config = loadConfig('orchestrator', { DATABASE_URL: LOCAL_DB });
    expect(config).toMatchObject({
      agent: 'orchestrator',
      mode: 'development',
      port: 3000,
      busDriver: 'postgres',
      databaseUrl: LOCAL_DB,
      cogoWorker: { enabled: false, timeoutMs: 30_000 },
      logLevel: 'info',
    });
    expect(config.instanceId).toMatch(/^orchestrator:[0-9a-f]{8}$/);
  });

  it('is production when NODE_ENV is production and APP_MODE is unset', () => {
    expect(loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, NODE_ENV: 'production' }).mode).toBe('production');
    expect(
      loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, NODE_ENV: 'production', APP_MODE: 'development' }).mode,
    ).toBe('development');
  });

  it('chooses the supabase driver when SUPABASE_URL is set', () => {
    const config = loadConfig('indexing-worker', {
      SUPABASE_URL: 'https://abc.supabase.co',
      SUPABASE_SERVICE_ROLE_KEY: 'service-key',
    });
    expect(config.busDriver).toBe('supabase');
    expect(config.supabase).toEqual({ url: 'https://abc.supabase.co', serviceRoleKey: 'service-key' });
  });

  it('reports every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig('orchestrator', {
        PORT: 'eighty',
        APP_MODE: 'staging',
        BUS_DRIVER: 'redis',
        ENABLE_COGO_WORKER: 'maybe',
        COGO_WORKER_TIMEOUT_MS: '-1',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'APP_MODE must be one of development, production, got "staging"',
        'PORT must be a whole number from 1 to 65535, got "eighty"',
        'BUS_DRIVER must be one of postgres, supabase, got "redis"',
        'ENABLE_COGO_WORKER must be true or false, got "maybe"',
        'COGO_WORKER_TIMEOUT_MS must be a whole number from 100 to 600000, got "-1"',
      ]),
    );
    expect(problems.some((problem) => problem.startsWith('DATABASE_URL is required'))).toBe(true);
    expect((error as Error).message).toContain('6 problems');
  });

  it('never repeats a secret or a malformed URL that may hold a password', () => {
    let message = '';
    try {
      loadConfig('orchestrator', {
        DATABASE_URL: 'not a url with hunter2',
        BUS_DRIVER: 'supabase',
        SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_do_not_print_me',
      });
    } catch (caught) {
      message = (caught as Error).message;
    }
    expect(message).toContain('DATABASE_URL is not a valid URL');
    expect(message).toContain('SUPABASE_URL is required when BUS_DRIVER=supabase');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('sb_secret_do_not_print_me');
  });

  it('requires COGO_WORKER_URL when the cogo worker is enabled', () => {
    expect(() => loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, ENABLE_COGO_WORKER: 'true' })).toThrow(
      /COGO_WORKER_URL is required when ENABLE_COGO_WORKER=true/,
    );
  });

  it('rejects an instance id that is not safe as a channel name', () => {
    expect(() =>
      loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, AGENT_INSTANCE_ID: 'Codegen Worker #1' }),
    ).toThrow(/AGENT_INSTANCE_ID must match/);
  });
});
