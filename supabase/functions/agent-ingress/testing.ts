/**
 * Builders for the tests of this function: signed tokens, requests with sensible defaults, a
 * recording fake bus. Not imported by index.ts, so never deployed.
 */
import type { IngressConfig } from './config.ts';
import { MAX_BODY_BYTES } from './config.ts';
import type { EnqueueResult } from './db.ts';
import type { LogEntry } from './handler.ts';
import type { IntakeMessage } from './intake-message.ts';
import type { PublicJwk } from './jwt.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-with-at-least-32-characters';
export const TEST_API_KEY = 'sb_publishable_test_key';
/** A fixed instant: 2026-11-27T10:00:00Z. */
export const NOW_MS = Date.UTC(2026, 10, 27, 10, 0, 0);
export const USER_ID = '5f0c2b8e-7a57-4b9b-9a55-1f9f3d2e8c11';

export function testConfig(overrides: Partial<IngressConfig> = {}): IngressConfig {
  return {
    tokenKeys: { jwtSecret: TEST_JWT_SECRET, jwks: [] },
    allowedRoles: new Set(['authenticated', 'service_role']),
    apiKeys: new Set([TEST_API_KEY]),
    maxBodyBytes: MAX_BODY_BYTES,
    ...overrides,
  };
}

export function base64Url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** Claims of a signed-in user's session token, valid for an hour from `nowMs`. */
export function userClaims(nowMs = NOW_MS, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  return {
    iss: 'https://example.supabase.co/auth/v1',
    sub: USER_ID,
    aud: 'authenticated',
    role: 'authenticated',
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

export async function signHs256(
  claims: Record<string, unknown>,
  secret = TEST_JWT_SECRET,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/** An asymmetric signing key as the project's JWKS would publish it. */
export interface SigningKey {
  readonly alg: 'ES256' | 'RS256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: PublicJwk;
}

export async function generateSigningKey(alg: 'ES256' | 'RS256', kid: string): Promise<SigningKey> {
  const params =
    alg === 'ES256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    jwk: { ...(exported as PublicJwk), kid, alg, use: 'sig' },
  };
}

export async function signWith(signingKey: SigningKey, claims: Record<string, unknown>): Promise<string> {
  const header = { alg: signingKey.alg, typ: 'JWT', kid: signingKey.kid };
  const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
  const params = signingKey.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : 'RSASSA-PKCS1-v1_5';
  const signature = await crypto.subtle.sign(params, signingKey.privateKey, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

export interface RequestOptions {
  readonly method?: string;
  /** An object is sent as JSON; a string or stream as is. */
  readonly body?: unknown;
  /** A bearer token; null leaves the Authorization header out. */
  readonly token?: string | null;
  readonly apiKey?: string | null;
  /** Extra headers; null removes a default one. */
  readonly headers?: Readonly<Record<string, string | null>>;
}

export const URL_OF_FUNCTION = 'http://localhost/functions/v1/agent-ingress';

export async function intakeRequest(options: RequestOptions = {}): Promise<Request> {
  const token = options.token === undefined ? await signHs256(userClaims()) : options.token;
  const headers = new Headers({ 'content-type': 'application/json' });
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  if (apiKey !== null) headers.set('apikey', apiKey);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const method = options.method ?? 'POST';
  const given = options.body === undefined ? { intent: 'index the repository' } : options.body;
  const body =
    method === 'GET' || method === 'HEAD'
      ? undefined
      : typeof given === 'string' || given instanceof ReadableStream
        ? given
        : JSON.stringify(given);
  return new Request(URL_OF_FUNCTION, { method, headers, body });
}

/** A bus that records what it is given; `answer` shapes the result or makes it fail. */
export function fakeBus(answer: Partial<EnqueueResult> | Error = {}) {
  const sent: IntakeMessage[] = [];
  return {
    sent,
    enqueue(message: IntakeMessage): Promise<EnqueueResult> {
      sent.push(message);
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({
        messageId: message.id,
        duplicate: false,
        traceId: message.trace_id,
        spanId: message.span_id,
        ...answer,
      });
    },
  };
}

export function logRecorder() {
  const entries: LogEntry[] = [];
  return { entries, log: (entry: LogEntry) => void entries.push(entry) };
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly fields?: readonly { readonly field: string; readonly problem: string }[];
  };
}

export async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody;
  return body.error;
}
