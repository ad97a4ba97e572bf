import { MASK, REDACTED, SecretRedactor, isSecretField } from './secret-redactor';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaXNzIjoic3VwYWJhc2UifQ.' +
  'c2lnbmF0dXJlLW9mLXRoZS10b2tlbi0xMjM0NTY3ODkw';
const SERVICE_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';
const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';

describe(isSecretField.name, () => {
  it.each([
    'password',
    'PASSWORD',
    'db_password',
    'passwd',
    'pwd',
    'secret',
    'clientSecret',
    'token',
    'accessToken',
    'refresh_token',
    'x-auth-token',
    'authorization',
    'Authorization',
    'apikey',
    'api_key',
    'apiKey',
    'X-Api-Key',
    'service_role_key',
    'serviceRoleKey',
    'SUPABASE_SERVICE_ROLE_KEY',
    'LLM_API_KEY',
    'cookie',
    'set-cookie',
    'privateKey',
    'credentials',
  ])('treats %s as a secret', (name) => {
    expect(isSecretField(name)).toBe(true);
  });

  it.each(['trace_id', 'span_id', 'prompt_tokens', 'tokens', 'message', 'url', 'key', 'status', 'instance'])(
    'leaves %s visible',
    (name) => {
      expect(isSecretField(name)).toBe(false);
    },
  );
});

describe(SecretRedactor.name, () => {
  const redactor = new SecretRedactor();

  describe('in text', () => {
    it.each([
      [
        'a connection string password',
        'connect failed: postgres://cogo:s3cr3t-pa55@127.0.0.1:5432/postgres',
        `connect failed: postgres://cogo:${MASK}@127.0.0.1:5432/postgres`,
      ],
      ['a postgresql:// URL', 'postgresql://u:p%40ss@db/x', `postgresql://u:${MASK}@db/x`],
      [
        'an https URL with credentials',
        'GET https://bot:hunter2@api.example.com/v1',
        `GET https://bot:${MASK}@api.example.com/v1`,
      ],
      ['a bearer token', 'sent Authorization Bearer abc.def-ghi_jkl=', `sent Authorization Bearer ${MASK}`],
      ['a lower-case bearer token', 'bearer abcdef', `bearer ${MASK}`],
      ['a JWT', `key ${JWT} rejected`, `key ${MASK} rejected`],
      ['an sb_secret key', `using ${SERVICE_KEY}.`, `using sb_secret_${MASK}.`],
      ['an sb_publishable key', PUBLISHABLE_KEY, `sb_publishable_${MASK}`],
      [
        'an OpenAI-style key',
        'Incorrect API key provided: sk-proj-abcdefghijklmnop1234',
        `Incorrect API key provided: sk-${MASK}`,
      ],
      ['password=value', 'host=db password=hunter2 user=cogo', `host=db password=${MASK} user=cogo`],
      ['a JSON field in a message', 'body {"apiKey":"abc123","model":"m"}', `body {"apiKey":"${MASK}","model":"m"}`],
      ['NAME=value', 'SUPABASE_SERVICE_ROLE_KEY=whatever-it-is', `SUPABASE_SERVICE_ROLE_KEY=${MASK}`],
      ['a query parameter', '/callback?code=1&access_token=abc&x=2', `/callback?code=1&access_token=${MASK}&x=2`],
      ['an authorization header with its scheme', 'authorization: Basic dXNlcjpwYXNz', `authorization: ${MASK}`],
      [
        'a PEM private key',
        'key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end',
        `key -----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY----- end`,
      ],
    ])('masks %s', (_case, text, expected) => {
      expect(redactor.redactText(text)).toBe(expected);
    });

    it.each([
      'password authentication failed for user "cogo"',
      'resuming workflow run 3f2b7c1e-2d4e-4f6a-9b8c-7d6e5f4a3b2c',
      'GET /api/orchestrator/plan 200 in 12.5 ms',
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7',
      'used 120 prompt_tokens: 12 completion_tokens: 40',
      'listening on http://127.0.0.1:3000/health',
      'risk-assessment-of-the-whole-system finished',
    ])('leaves ordinary text alone: %s', (text) => {
      expect(redactor.redactText(text)).toBe(text);
    });

    it('masks every occurrence, and is idempotent', () => {
      const once = redactor.redactText(`${SERVICE_KEY} and again ${SERVICE_KEY}`);
      expect(once).toBe(`sb_secret_${MASK} and again sb_secret_${MASK}`);
      expect(redactor.redactText(once)).toBe(once);
    });
  });

  describe('known secret values', () => {
    const known = new SecretRedactor(['plain-looking-value-42', 'p@ss/word', undefined, null, 'short']);

    it('masks them wherever they appear, whatever their shape', () => {
      expect(known.redactText('config: plain-looking-value-42!')).toBe(`config: ${MASK}!`);
    });

    it('masks their URL-encoded form too', () => {
      expect(known.redactText('dsn x p%40ss%2Fword y')).toBe(`dsn x ${MASK} y`);
    });

    it('ignores values too short to be a secret', () => {
      expect(known.redactText('a short answer')).toBe('a short answer');
    });
  });

  describe('in objects', () => {
    it('replaces the value of secret-named fields, at any depth, in arrays too', () => {
      const input = {
        user: 'cogo',
        password: 'hunter2',
        nested: { deeper: { apiKey: 'k-1', headers: { Authorization: 'Bearer x', accept: 'json' } } },
        list: [{ token: 't-1', id: 1 }, 'plain', { cookie: ['a=b'] }],
        SUPABASE_SERVICE_ROLE_KEY: 'anything',
        LLM_API_KEY: { even: 'objects' },
      };
      expect(redactor.redactValue(input)).toEqual({
        user: 'cogo',
        password: REDACTED,
        nested: { deeper: { apiKey: REDACTED, headers: { Authorization: REDACTED, accept: 'json' } } },
        list: [{ token: REDACTED, id: 1 }, 'plain', { cookie: REDACTED }],
        SUPABASE_SERVICE_ROLE_KEY: REDACTED,
        LLM_API_KEY: REDACTED,
      });
    });

    it('masks secrets in the string values of other fields', () => {
      expect(
        redactor.redactValue({ url: 'postgres://a:b@h/d', items: [`k=${SERVICE_KEY}`], note: `jwt ${JWT}` }),
      ).toEqual({ url: `postgres://a:${MASK}@h/d`, items: [`k=sb_secret_${MASK}`], note: `jwt ${MASK}` });
    });

    it('does not change the object it was given', () => {
      const input = { password: 'hunter2', nested: { url: 'postgres://a:b@h/d' } };
      redactor.redactValue(input);
      expect(input).toEqual({ password: 'hunter2', nested: { url: 'postgres://a:b@h/d' } });
    });

    it('keeps numbers, booleans and null, and turns what JSON cannot hold into text', () => {
      expect(
        redactor.redactValue({
          n: 1,
          b: false,
          z: null,
          u: undefined,
          big: 10n,
          at: new Date('2026-01-02T03:04:05.000Z'),
          bytes: Buffer.from('secret bytes'),
          url: new URL('postgres://u:pw@h:5432/db'),
          map: new Map([['token', 'x']]),
          set: new Set(['Bearer abc']),
          fn: () => 1,
        }),
      ).toEqual({
        n: 1,
        b: false,
        z: null,
        u: undefined,
        big: '10',
        at: '2026-01-02T03:04:05.000Z',
        bytes: '[Buffer 12 bytes]',
        url: `postgres://u:${MASK}@h:5432/db`,
        map: { token: REDACTED },
        set: [`Bearer ${MASK}`],
        fn: undefined,
      });
    });

    it('survives cycles and very deep objects, and keeps shared references', () => {
      const cyclic: Record<string, unknown> = { name: 'a' };
      cyclic.self = cyclic;
      const shared = { password: 'x' };
      let deep: Record<string, unknown> = { end: true };
      for (let level = 0; level < 20; level += 1) deep = { deep };
      const result = redactor.redactValue({ cyclic, one: shared, two: shared, deep }) as Record<string, unknown>;
      expect(result.cyclic).toEqual({ name: 'a', self: '[Circular]' });
      expect(result.one).toEqual({ password: REDACTED });
      expect(result.two).toEqual({ password: REDACTED });
      expect(JSON.stringify(result.deep)).toContain('[Truncated]');
    });

    it('replaces an object it cannot read instead of throwing', () => {
      const hostile = {
        get broken(): string {
          throw new Error('getter failed');
        },
      };
      const badJson = { toJSON: () => JSON.parse('{') as unknown };
      expect(redactor.redactValue({ ok: 1, hostile, badJson })).toEqual({
        ok: 1,
        hostile: '[Unserializable]',
        badJson: '[Unserializable]',
      });
    });
  });

  describe('errors', () => {
    it('become plain objects with the message and the stack masked', () => {
      const error = new Error(`connect ECONNREFUSED postgres://cogo:hunter2@db:5432 with ${SERVICE_KEY}`);
      const result = redactor.redactValue(error) as Record<string, unknown>;
      expect(result).toMatchObject({
        type: 'Error',
        message: `connect ECONNREFUSED postgres://cogo:${MASK}@db:5432 with sb_secret_${MASK}`,
      });
      expect(result.stack).toMatch(/^Error: connect ECONNREFUSED postgres:\/\/cogo:\*\*\*@db:5432/);
      expect(result.stack).toMatch(/\n\s+at /);
      expect(JSON.stringify(result)).not.toMatch(/hunter2|N7UND0Ug/);
    });

    it('keep their own fields (redacted) and their cause', () => {
      class DriverError extends Error {
        override readonly name = 'DriverError';
        readonly code = 'E_AUTH';
        readonly config = { host: 'db', password: 'hunter2' };
      }
      const error = new DriverError('login failed', { cause: new Error(`bad key ${JWT}`) });
      const result = redactor.redactValue({ err: error }) as { err: Record<string, unknown> };
      expect(result.err).toMatchObject({
        type: 'DriverError',
        message: 'login failed',
        code: 'E_AUTH',
        config: { host: 'db', password: REDACTED },
        cause: { type: 'Error', message: `bad key ${MASK}` },
      });
      expect(JSON.stringify(result)).not.toMatch(/hunter2|eyJhbGci/);
    });

    it('redact a stack that was set by hand', () => {
      const error = new Error('x');
      error.stack = `Error: x\n    at connect (postgres://cogo:hunter2@db/x:1:1)`;
      expect((redactor.redactValue(error) as { stack: string }).stack).not.toContain('hunter2');
    });
  });
});
