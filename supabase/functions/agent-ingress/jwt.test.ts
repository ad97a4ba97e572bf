import assert from 'node:assert/strict';
import { createTokenVerifier, TokenError, type TokenProblem } from './jwt.ts';
import {
  base64Url,
  generateSigningKey,
  NOW_MS,
  signHs256,
  signWith,
  TEST_JWT_SECRET,
  USER_ID,
  userClaims,
} from './testing.ts';

async function rejection(promise: Promise<unknown>): Promise<{ code: TokenProblem; message: string }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, `expected a TokenError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  throw new assert.AssertionError({ message: 'expected the token to be refused' });
}

Deno.test('verifies an HS256 token with the JWT secret and returns sub and role', async () => {
  const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  const claims = await verify(await signHs256(userClaims()), NOW_MS);
  assert.equal(claims.sub, USER_ID);
  assert.equal(claims.role, 'authenticated');
});

Deno.test('verifies ES256 and RS256 tokens with the matching key of the JWKS', async () => {
  const es = await generateSigningKey('ES256', 'es-key');
  const rs = await generateSigningKey('RS256', 'rs-key');
  const verify = createTokenVerifier({ jwtSecret: null, jwks: [es.jwk, rs.jwk] });
  assert.equal((await verify(await signWith(es, userClaims()), NOW_MS)).role, 'authenticated');
  assert.equal((await verify(await signWith(rs, userClaims()), NOW_MS)).role, 'authenticated');
});

Deno.test('refuses a token whose kid is not in the JWKS (a rotated-out key)', async () => {
  const known = await generateSigningKey('ES256', 'current');
  const retired = await generateSigningKey('ES256', 'retired');
  const verify = createTokenVerifier({ jwtSecret: null, jwks: [known.jwk] });
  const { code, message } = await rejection(verify(await signWith(retired, userClaims()), NOW_MS));
  assert.equal(code, 'INVALID_TOKEN');
  assert.match(message, /key this project does not know/);
});

Deno.test('refuses a token signed by another key under a known kid', async () => {
  const known = await generateSigningKey('ES256', 'key-1');
  const impostor = await generateSigningKey('ES256', 'key-1');
  const verify = createTokenVerifier({ jwtSecret: null, jwks: [known.jwk] });
  const { message } = await rejection(verify(await signWith(impostor, userClaims()), NOW_MS));
  assert.match(message, /signature that does not verify/);
});

Deno.test('refuses HS256 when only a JWKS is configured, and unknown algorithms always', async () => {
  const verify = createTokenVerifier({ jwtSecret: null, jwks: [] });
  assert.match((await rejection(verify(await signHs256(userClaims()), NOW_MS))).message, /HS256/);
  const withSecret = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  for (const alg of ['none', 'HS512', 'PS256']) {
    const token = await signHs256(userClaims(), TEST_JWT_SECRET, { alg, typ: 'JWT' });
    assert.match((await rejection(withSecret(token, NOW_MS))).message, /signing algorithm/, alg);
  }
});

Deno.test('treats exp with a few seconds of clock tolerance', async () => {
  const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  const exp = Math.floor(NOW_MS / 1000);
  const token = await signHs256(userClaims(NOW_MS, { exp }));
  assert.equal((await verify(token, NOW_MS + 4_000)).exp, exp);
  assert.equal((await rejection(verify(token, NOW_MS + 5_000))).code, 'TOKEN_EXPIRED');
});

Deno.test('refuses a token that is not valid yet', async () => {
  const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  const token = await signHs256(userClaims(NOW_MS, { nbf: Math.floor(NOW_MS / 1000) + 600 }));
  assert.match((await rejection(verify(token, NOW_MS))).message, /not valid yet/);
});

Deno.test('refuses critical header extensions and a non-string sub', async () => {
  const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  const crit = await signHs256(userClaims(), TEST_JWT_SECRET, { alg: 'HS256', crit: ['b64'], b64: false });
  assert.match((await rejection(verify(crit, NOW_MS))).message, /critical/);
  const numericSub = await signHs256(userClaims(NOW_MS, { sub: 42 }));
  assert.match((await rejection(verify(numericSub, NOW_MS))).message, /sub claim/);
});

Deno.test('refuses a signature that is not base64url', async () => {
  const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, jwks: [] });
  const [header, payload] = (await signHs256(userClaims())).split('.');
  assert.match((await rejection(verify(`${header}.${payload}.a+b/`, NOW_MS))).message, /base64url/);
  assert.match((await rejection(verify(`${header}.${payload}.${base64Url('x')}`, NOW_MS))).message, /signature/);
});
