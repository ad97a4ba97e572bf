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

  it('leaves the llm generator unconfigured without LLM_BASE_URL', () => {
    expect(loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB }).llm).toBeUndefined();
  });

  it('configures the llm generator from LLM_BASE_URL, LLM_MODEL, LLM_API_KEY and LLM_TIMEOUT_MS', () => {
    const config = loadConfig('codegen-worker', {
      DATABASE_URL: LOCAL_DB,
      LLM_BASE_URL: 'https://api.example.com/v1/',
      LLM_MODEL: 'gpt-4o-mini',
      LLM_API_KEY: 'sk-test',
      LLM_TIMEOUT_MS: '5000',
    });
    expect(config.llm).toEqual({
      baseUrl: 'https://api.example.com/v1',
      apiKey: 'sk-test',
      model: 'gpt-4o-mini',
      timeoutMs: 5000,
    });
  });

  it('needs no API key for a local llm server and defaults its timeout to 60 s', () => {
    const config = loadConfig('codegen-worker', {
      DATABASE_URL: LOCAL_DB,
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'qwen2.5-coder',
    });
    expect(config.llm).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder', timeoutMs: 60_000 });
  });

  it('reports every llm problem together, without repeating the API key', () => {
    let error: unknown;
    try {
      loadConfig('codegen-worker', {
        DATABASE_URL: LOCAL_DB,
        LLM_API_KEY: 'sk-do-not-print-me',
        LLM_MODEL: 'gpt-4o-mini',
        LLM_TIMEOUT_MS: '10',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LLM_TIMEOUT_MS must be a whole number from 100 to 600000, got "10"',
      'LLM_BASE_URL is required when LLM_MODEL or LLM_API_KEY is set (e.g. https://api.openai.com/v1); unset them to run without the llm generator',
    ]);
    expect((error as Error).message).not.toContain('sk-do-not-print-me');
  });

  it('requires LLM_MODEL when LLM_BASE_URL is set, and a valid URL', () => {
    expect(() =>
      loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }),
    ).toThrow(/LLM_MODEL is required when LLM_BASE_URL is set/);
    expect(() =>
      loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, LLM_BASE_URL: 'ftp://models', LLM_MODEL: 'm' }),
    ).toThrow(/LLM_BASE_URL must be a http: or https:\/\/ URL/);
  });

  it('rejects an instance id that is not safe as a channel name', () => {
    expect(() =>
      loadConfig('codegen-worker', { DATABASE_URL: LOCAL_DB, AGENT_INSTANCE_ID: 'Codegen Worker #1' }),
    ).toThrow(/AGENT_INSTANCE_ID must match/);
  });
});
