import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_DB_TIMEOUT_MS, loadConfig } from './config.ts';

const DB_URL = 'postgres://postgres:s3cret-password@127.0.0.1:54322/postgres';

function env(values: Record<string, string>) {
  return new Map(Object.entries(values));
}

function problemsOf(values: Record<string, string>): readonly string[] {
  try {
    loadConfig(env(values));
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  throw new assert.AssertionError({ message: 'expected a ConfigError' });
}

Deno.test('reads the platform environment with safe defaults', () => {
  const config = loadConfig(
    env({
      SUPABASE_DB_URL: DB_URL,
      SUPABASE_JWT_SECRET: 'secret',
      SUPABASE_JWKS: '{"keys":[{"kty":"EC","kid":"k","crv":"P-256","x":"x","y":"y"}]}',
      SUPABASE_ANON_KEY: 'anon-jwt',
      SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_a","web":"sb_publishable_b"}',
      SUPABASE_SECRET_KEYS: '{"default":"sb_secret_c"}',
    }),
  );
  assert.equal(config.database.url, DB_URL);
  assert.equal(config.database.timeoutMs, DEFAULT_DB_TIMEOUT_MS);
  assert.equal(config.ingress.tokenKeys.jwtSecret, 'secret');
  assert.equal(config.ingress.tokenKeys.jwks.length, 1);
  assert.deepEqual([...config.ingress.allowedRoles], ['authenticated', 'service_role']);
  assert.deepEqual(
    [...config.ingress.apiKeys].sort(),
    ['anon-jwt', 'sb_publishable_a', 'sb_publishable_b', 'sb_secret_c'].sort(),
  );
  assert.equal(config.ingress.maxBodyBytes, 65536);
});

Deno.test('takes the JWT secret from AGENT_INGRESS_JWT_SECRET, which `supabase secrets set` can set', () => {
  const config = loadConfig(env({ SUPABASE_DB_URL: DB_URL, AGENT_INGRESS_JWT_SECRET: 'custom' }));
  assert.equal(config.ingress.tokenKeys.jwtSecret, 'custom');
  assert.equal(config.ingress.apiKeys.size, 0);
});

Deno.test('reports every problem at once without echoing values', () => {
  const problems = problemsOf({
    SUPABASE_DB_URL: 'mysql://root:s3cret-password@db',
    SUPABASE_JWKS: 'not json s3cret-password',
    SUPABASE_PUBLISHABLE_KEYS: '["s3cret-password"]',
    AGENT_INGRESS_ALLOWED_ROLES: ' , ',
    AGENT_INGRESS_DB_TIMEOUT_MS: 'soon',
  });
  assert.equal(problems.length, 6);
  assert.ok(problems.some((problem) => problem.startsWith('SUPABASE_DB_URL')));
  assert.ok(problems.some((problem) => problem.startsWith('No key to verify access tokens')));
  assert.doesNotMatch(problems.join('\n'), /s3cret-password|mysql/);
});

Deno.test('requires the database URL', () => {
  assert.deepEqual(problemsOf({ SUPABASE_JWT_SECRET: 'secret' }), [
    'SUPABASE_DB_URL is not set: it is the Postgres connection string the bus lives in.',
  ]);
});
