/**
 * Verification of Supabase access tokens with WebCrypto, independent of the platform's
 * `verify_jwt` (which a redeploy with `--no-verify-jwt` would silently turn off).
 *
 * - HS256 with the project's JWT secret (legacy keys: the `anon`/`service_role` keys and user
 *   sessions of projects still on the shared secret);
 * - ES256 and RS256 with the public keys of the project's JWKS (asymmetric signing keys).
 *
 * Anything else, `alg: none` included, is refused.
 */

export interface AccessTokenClaims {
  /** The user id; absent from API-key tokens such as the `service_role` key. */
  readonly sub: string | null;
  readonly role: string;
  readonly exp: number;
}

/** A public key of the JWKS, as Supabase serves it at /auth/v1/.well-known/jwks.json. */
export interface PublicJwk {
  readonly kty: string;
  readonly kid?: string;
  readonly alg?: string;
  readonly use?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly n?: string;
  readonly e?: string;
}

export interface TokenKeys {
  /** The project's JWT secret (HS256), if tokens signed with it are accepted. */
  readonly jwtSecret: string | null;
  readonly jwks: readonly PublicJwk[];
}

export type TokenProblem = 'INVALID_TOKEN' | 'TOKEN_EXPIRED';

export class TokenError extends Error {
  constructor(
    readonly code: TokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export type TokenVerifier = (token: string, nowMs: number) => Promise<AccessTokenClaims>;

/** Clocks of the auth server and of the function differ a little; more than this is an error. */
const CLOCK_TOLERANCE_SECONDS = 5;

interface VerificationKey {
  readonly params: AlgorithmIdentifier | EcdsaParams;
  readonly key: CryptoKey;
}

const ASYMMETRIC: Record<string, { kty: string; import: RsaHashedImportParams | EcKeyImportParams }> = {
  RS256: { kty: 'RSA', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } },
  ES256: { kty: 'EC', import: { name: 'ECDSA', namedCurve: 'P-256' } },
};

export function createTokenVerifier(keys: TokenKeys): TokenVerifier {
  const secretKey = keys.jwtSecret
    ? crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(keys.jwtSecret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : null;
  const publicKeys = new Map<PublicJwk, Promise<CryptoKey | null>>();

  const importPublic = (jwk: PublicJwk, alg: string): Promise<CryptoKey | null> => {
    let imported = publicKeys.get(jwk);
    if (!imported) {
      // Only the public members: a JWK's key_ops/ext could make importKey refuse it.
      const { kty, crv, x, y, n, e } = jwk;
      imported = crypto.subtle
        .importKey('jwk', { kty, crv, x, y, n, e }, ASYMMETRIC[alg].import, false, ['verify'])
        .catch(() => null);
      publicKeys.set(jwk, imported);
    }
    return imported;
  };

  const candidateKeys = async (alg: unknown, kid: unknown): Promise<VerificationKey[]> => {
    if (alg === 'HS256') {
      if (!secretKey) throw invalid('is signed with HS256, which this project does not accept; sign in again');
      return [{ params: 'HMAC', key: await secretKey }];
    }
    if (typeof alg !== 'string' || !(alg in ASYMMETRIC)) {
      throw invalid(`uses the signing algorithm ${JSON.stringify(alg)}; only HS256, ES256 and RS256 are accepted`);
    }
    const matching = keys.jwks.filter(
      (jwk) =>
        jwk.kty === ASYMMETRIC[alg].kty &&
        (jwk.alg === undefined || jwk.alg === alg) &&
        (jwk.use === undefined || jwk.use === 'sig') &&
        (kid === undefined || jwk.kid === kid),
    );
    const params = alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : 'RSASSA-PKCS1-v1_5';
    const imported = await Promise.all(matching.map((jwk) => importPublic(jwk, alg)));
    const usable = imported.filter((key): key is CryptoKey => key !== null).map((key) => ({ params, key }));
    if (usable.length === 0) {
      throw invalid('is signed with a key this project does not know (rotated or from another project); sign in again');
    }
    return usable;
  };

  return async (token, nowMs) => {
    const parts = token.split('.');
    if (parts.length !== 3) throw invalid('is not a JWT: expected three dot-separated parts');
    const header = decodeJson(parts[0], 'header');
    const claims = decodeJson(parts[1], 'payload');
    const signature = decodeBase64Url(parts[2]);
    if (!signature) throw invalid('has a signature that is not base64url');
    if (header.crit !== undefined) throw invalid('has critical header extensions this function does not understand');

    const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    let verified = false;
    for (const { params, key } of await candidateKeys(header.alg, header.kid)) {
      if (await crypto.subtle.verify(params, key, signature, signed)) {
        verified = true;
        break;
      }
    }
    if (!verified) throw invalid('has a signature that does not verify; sign in again for a fresh token');

    const now = nowMs / 1000;
    const { exp, nbf, role, sub } = claims;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('has no expiry (exp claim)');
    if (now >= exp + CLOCK_TOLERANCE_SECONDS) {
      throw new TokenError('TOKEN_EXPIRED', 'The access token has expired; refresh the session and send the new one.');
    }
    if (typeof nbf === 'number' && now + CLOCK_TOLERANCE_SECONDS < nbf) {
      throw invalid('is not valid yet (nbf claim); check the clock of the machine that made it');
    }
    if (typeof role !== 'string' || role === '') throw invalid('has no role claim');
    if (sub !== undefined && typeof sub !== 'string') throw invalid('has a sub claim that is not a string');
    return { sub: sub ?? null, role, exp };
  };
}

function invalid(problem: string): TokenError {
  return new TokenError('INVALID_TOKEN', `The access token ${problem}.`);
}

function decodeJson(segment: string, part: string): Record<string, unknown> {
  const bytes = decodeBase64Url(segment);
  let value: unknown;
  try {
    value = bytes ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) : undefined;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`is malformed: its ${part} is not base64url-encoded JSON`);
  }
  return value as Record<string, unknown>;
}

function decodeBase64Url(segment: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return null;
  const base64 = segment.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (segment.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
