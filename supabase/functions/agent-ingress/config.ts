import type { PublicJwk, TokenKeys } from './jwt.ts';

/** What the request handler needs to know, parsed once at boot. */
export interface IngressConfig {
  readonly tokenKeys: TokenKeys;
  /** JWT `role` claims allowed to enqueue; `anon` is not among the defaults. */
  readonly allowedRoles: ReadonlySet<string>;
  /** The project's API keys; an `apikey` header must be one of them. Empty: any non-empty key. */
  readonly apiKeys: ReadonlySet<string>;
  readonly maxBodyBytes: number;
}

export interface DatabaseConfig {
  readonly url: string;
  /** Budget of each database call, connecting included. */
  readonly timeoutMs: number;
}

export interface AgentIngressConfig {
  readonly ingress: IngressConfig;
  readonly database: DatabaseConfig;
}

/** `Deno.env` or a Map in tests. */
export interface EnvironmentReader {
  get(name: string): string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`agent-ingress is not configured correctly:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

export const MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_ALLOWED_ROLES = ['authenticated', 'service_role'];
export const DEFAULT_DB_TIMEOUT_MS = 5_000;

/**
 * Reads the environment once and reports every problem together. Values are never echoed: they
 * may be secrets.
 *
 * `SUPABASE_*` names are provided by the platform and cannot be set with `supabase secrets set`,
 * so the legacy JWT secret is also read from `AGENT_INGRESS_JWT_SECRET`.
 */
export function loadConfig(env: EnvironmentReader): AgentIngressConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env.get(name)?.trim();
    return value === '' ? undefined : value;
  };

  const url = read('SUPABASE_DB_URL');
  if (!url) {
    problems.push('SUPABASE_DB_URL is not set: it is the Postgres connection string the bus lives in.');
  } else if (!/^postgres(ql)?:\/\//.test(url)) {
    problems.push('SUPABASE_DB_URL is not a postgres:// or postgresql:// connection string.');
  }

  const jwtSecret = read('AGENT_INGRESS_JWT_SECRET') ?? read('SUPABASE_JWT_SECRET') ?? null;
  const jwks = parseJwks(read('SUPABASE_JWKS'), problems);
  if (!jwtSecret && jwks.length === 0) {
    problems.push(
      'No key to verify access tokens with: set SUPABASE_JWKS (asymmetric signing keys) and/or the project JWT secret in AGENT_INGRESS_JWT_SECRET (or SUPABASE_JWT_SECRET where the platform provides it).',
    );
  }

  const apiKeys = new Set<string>();
  for (const name of [
    'SUPABASE_ANON_KEY',
    'SUPABASE_SERVICE_ROLE_KEY',
    'SUPABASE_PUBLISHABLE_KEY',
    'SUPABASE_SECRET_KEY',
  ]) {
    const key = read(name);
    if (key) apiKeys.add(key);
  }
  for (const name of ['SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_SECRET_KEYS']) {
    for (const key of parseKeyDictionary(name, read(name), problems)) apiKeys.add(key);
  }

  const roles = (read('AGENT_INGRESS_ALLOWED_ROLES') ?? DEFAULT_ALLOWED_ROLES.join(','))
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  if (roles.length === 0) problems.push('AGENT_INGRESS_ALLOWED_ROLES names no role (comma-separated JWT roles).');

  const timeoutText = read('AGENT_INGRESS_DB_TIMEOUT_MS');
  const timeoutMs = timeoutText === undefined ? DEFAULT_DB_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    problems.push('AGENT_INGRESS_DB_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000.');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ingress: {
      tokenKeys: { jwtSecret, jwks },
      allowedRoles: new Set(roles),
      apiKeys,
      maxBodyBytes: MAX_BODY_BYTES,
    },
    database: { url: url!, timeoutMs },
  };
}

/** `{"keys": [...]}` or a bare array, as Supabase provides it; only signing keys are kept. */
function parseJwks(text: string | undefined, problems: string[]): PublicJwk[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('SUPABASE_JWKS is not JSON; expected {"keys": [...]} or [...].');
    return [];
  }
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'object' || key === null || !('kty' in key))) {
    problems.push('SUPABASE_JWKS is not a JSON Web Key Set; expected {"keys": [{"kty": ...}, ...]}.');
    return [];
  }
  return keys as PublicJwk[];
}

/** `{"default": "sb_publishable_..."}`: a JSON object of named keys. */
function parseKeyDictionary(name: string, text: string | undefined, problems: string[]): string[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const values = Object.values(parsed);
      if (values.every((value) => typeof value === 'string')) return values as string[];
    }
  } catch {
    // reported below
  }
  problems.push(`${name} is not a JSON object of named keys, e.g. {"default": "sb_..."}.`);
  return [];
}
