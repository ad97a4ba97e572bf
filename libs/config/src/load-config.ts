import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import {
  AGENT_NAMES,
  type AgentName,
  type AppConfig,
  type AppMode,
  type BusDriverName,
  type CogoWorkerConfig,
  type LlmConfig,
  type SupabaseConfig,
} from './app-config';
import { ConfigError } from './errors/config.error';

type Env = Readonly<Record<string, string | undefined>>;

const INSTANCE_ID = /^[a-z0-9_:-]{1,56}$/;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Parses the environment of one agent process into a typed `AppConfig`. Every problem is
 * collected and reported together, so one failed start shows everything to fix. Secret values
 * are never echoed back.
 */
export function loadConfig(agent: AgentName, env: Env = process.env, version = '0.1.0'): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  if (!AGENT_NAMES.includes(agent)) problems.push(`agent "${agent}" is not one of ${AGENT_NAMES.join(', ')}`);

  const mode = read.oneOf<AppMode>(
    'APP_MODE',
    ['development', 'production'],
    env.NODE_ENV === 'production' ? 'production' : 'development',
  );
  const port = read.integer('PORT', 3000, 1, 65535);
  const host = env.HOST?.trim() || (mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const supabaseUrl = read.url('SUPABASE_URL', ['http:', 'https:']);
  const serviceRoleKey = read.secret('SUPABASE_SERVICE_ROLE_KEY');
  const busDriver = read.oneOf<BusDriverName>(
    'BUS_DRIVER',
    ['postgres', 'supabase'],
    supabaseUrl ? 'supabase' : 'postgres',
  );

  let supabase: SupabaseConfig | undefined;
  if (busDriver === 'supabase') {
    if (!supabaseUrl)
      problems.push('SUPABASE_URL is required when BUS_DRIVER=supabase (e.g. https://<project>.supabase.co)');
    if (!serviceRoleKey) problems.push('SUPABASE_SERVICE_ROLE_KEY is required when BUS_DRIVER=supabase');
    if (supabaseUrl && serviceRoleKey) supabase = { url: supabaseUrl, serviceRoleKey };
  } else if (!databaseUrl) {
    problems.push(
      'DATABASE_URL is required when BUS_DRIVER=postgres (e.g. postgres://user:password@localhost:5432/postgres); `npm start` sets it for you',
    );
  }

  const cogoWorker: CogoWorkerConfig = {
    enabled: read.boolean('ENABLE_COGO_WORKER', false),
    url: read.url('COGO_WORKER_URL', ['http:', 'https:']),
    timeoutMs: read.integer('COGO_WORKER_TIMEOUT_MS', 30_000, 100, 600_000),
  };
  if (cogoWorker.enabled && !cogoWorker.url) {
    problems.push('COGO_WORKER_URL is required when ENABLE_COGO_WORKER=true (e.g. http://localhost:8000)');
  }

  const llm = readLlm(read, problems);

  const instanceId = env.AGENT_INSTANCE_ID ?? `${agent}:${randomBytes(4).toString('hex')}`;
  if (!INSTANCE_ID.test(instanceId)) {
    problems.push(
      `AGENT_INSTANCE_ID must match ${INSTANCE_ID.source} (lowercase letters, digits, _ : -), got "${instanceId}"`,
    );
  }

  const config: AppConfig = {
    agent,
    instanceId,
    mode,
    port,
    host,
    busDriver,
    databaseUrl,
    supabase,
    cogoWorker,
    llm,
    artifactsBase: resolve(env.ARTIFACTS_BASE ?? '.cogo/artifacts'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    version,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The optional LLM generator: configured by LLM_BASE_URL; a model without a URL (or the reverse)
 * is a half-finished setup, reported rather than silently ignored.
 */
function readLlm(read: EnvReader, problems: string[]): LlmConfig | undefined {
  const baseUrl = read.url('LLM_BASE_URL', ['http:', 'https:']);
  const hasBaseUrl = read.isSet('LLM_BASE_URL');
  const apiKey = read.secret('LLM_API_KEY');
  const model = read.text('LLM_MODEL', 200);
  const timeoutMs = read.integer('LLM_TIMEOUT_MS', 60_000, 100, 600_000);
  if (!hasBaseUrl && (model !== undefined || apiKey !== undefined)) {
    problems.push(
      'LLM_BASE_URL is required when LLM_MODEL or LLM_API_KEY is set (e.g. https://api.openai.com/v1); unset them to run without the llm generator',
    );
  }
  if (hasBaseUrl && !read.isSet('LLM_MODEL')) {
    problems.push('LLM_MODEL is required when LLM_BASE_URL is set (e.g. gpt-4o-mini)');
  }
  if (!baseUrl || model === undefined) return undefined;
  return { baseUrl: baseUrl.replace(/\/+$/, ''), ...(apiKey === undefined ? {} : { apiKey }), model, timeoutMs };
}

/** Reads one variable at a time, recording a problem instead of throwing. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    return fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
  }

  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (protocols.includes(parsed.protocol)) return value;
      this.problems.push(
        `${name} must be a ${protocols.join(' or ')}// URL, got one starting with "${parsed.protocol}"`,
      );
    } catch {
      // The value may carry a password: say what is wrong without repeating it.
      this.problems.push(`${name} is not a valid URL (expected ${protocols[0]}//...)`);
    }
    return undefined;
  }

  secret(name: string): string | undefined {
    return this.raw(name);
  }

  isSet(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  text(name: string, maxLength: number): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value.length <= maxLength) return value;
    this.problems.push(`${name} must be at most ${maxLength} characters, got ${value.length}`);
    return undefined;
  }
}
