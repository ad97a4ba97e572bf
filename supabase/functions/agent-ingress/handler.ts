import type { IngressConfig } from './config.ts';
import type { EnqueueResult } from './db.ts';
import { HttpError, unauthenticated } from './http-error.ts';
import { buildIntakeMessage, type IntakeMessage } from './intake-message.ts';
import { type AccessTokenClaims, createTokenVerifier, TokenError, type TokenVerifier } from './jwt.ts';
import { formatTraceparent, parseTraceparent, startSpan, type TraceSpan } from './trace-context.ts';
import { validateIntakeRequest } from './validation.ts';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly trace_id: string;
  readonly [field: string]: unknown;
}

/** Every side effect of the handler, injectable so that it is tested without a network or a clock. */
export interface HandlerDeps {
  readonly config: IngressConfig;
  /** Puts the message on the bus; throws when it cannot (the caller gets a 503). */
  readonly enqueue: (message: IntakeMessage) => Promise<EnqueueResult>;
  /** Milliseconds since the epoch, for token expiry. */
  readonly now: () => number;
  readonly newMessageId?: () => string;
  readonly log?: (entry: LogEntry) => void;
}

export type IngressHandler = (request: Request) => Promise<Response>;

const RESPONSE_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
const TRACESTATE_MAX_CHARS = 512;

/**
 * `POST /functions/v1/agent-ingress`: checks the caller, the body and the trace context, then
 * enqueues one `orchestrator.intake` request on the bus and answers 202 `{trace_id, message_id,
 * duplicate}`. Every other answer is `{error: {code, message}}` JSON.
 */
export function createHandler(deps: HandlerDeps): IngressHandler {
  const verifyToken = createTokenVerifier(deps.config.tokenKeys);
  const newMessageId = deps.newMessageId ?? (() => crypto.randomUUID());
  const log = deps.log ?? writeLog;

  return async (request) => {
    const span = startSpan(parseTraceparent(request.headers.get('traceparent')));
    const traceparent = formatTraceparent(span);
    try {
      if (request.method !== 'POST') {
        throw new HttpError(
          405,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not supported here; send the request as POST with a JSON body.`,
          { Allow: 'POST' },
        );
      }
      const claims = await authenticate(request, deps.config, verifyToken, deps.now());
      const body = await readJsonBody(request, deps.config.maxBodyBytes);
      const validation = validateIntakeRequest(body);
      if (!validation.ok) {
        throw new HttpError(
          400,
          'INVALID_REQUEST',
          'The request body has invalid fields; fix the fields listed and send it again.',
          {},
          validation.fields,
        );
      }
      const message = await buildIntakeMessage({
        id: newMessageId(),
        request: validation.value,
        claims,
        span,
        tracestate: tracestateOf(request),
      });
      const result = await enqueueOrExplain(deps.enqueue, message, span, log);
      log({
        level: 'info',
        event: 'intake.enqueued',
        trace_id: result.traceId,
        message_id: result.messageId,
        duplicate: result.duplicate,
        role: claims.role,
      });
      return respond(
        202,
        { trace_id: result.traceId, message_id: result.messageId, duplicate: result.duplicate },
        { traceparent: formatTraceparent({ traceId: result.traceId, spanId: result.spanId, sampled: span.sampled }) },
      );
    } catch (error) {
      if (error instanceof HttpError) {
        return respond(error.status, error.toBody(), { ...error.headers, traceparent });
      }
      log({ level: 'error', event: 'intake.crashed', trace_id: span.traceId, error: String(error) });
      const internal = new HttpError(
        500,
        'INTERNAL',
        `Something went wrong on our side and nothing was enqueued. Retry later; quote trace id ${span.traceId} if it persists.`,
      );
      return respond(500, internal.toBody(), { traceparent });
    }
  };
}

/** The `apikey` header names the project; the Bearer token names and authorises the caller. */
async function authenticate(
  request: Request,
  config: IngressConfig,
  verifyToken: TokenVerifier,
  nowMs: number,
): Promise<AccessTokenClaims> {
  const apiKey = request.headers.get('apikey')?.trim();
  if (!apiKey) {
    throw unauthenticated(
      'MISSING_API_KEY',
      "Send the project's API key (its anon or publishable key) in the apikey header.",
    );
  }
  if (config.apiKeys.size > 0 && !knownKey(apiKey, config.apiKeys)) {
    throw unauthenticated(
      'INVALID_API_KEY',
      "The apikey header does not hold one of this project's API keys; copy it from the project's API settings.",
    );
  }

  const authorization = request.headers.get('authorization');
  if (!authorization) {
    throw unauthenticated(
      'MISSING_TOKEN',
      'Send an access token as "Authorization: Bearer <JWT>": the session token of a signed-in user, or a service key.',
    );
  }
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw unauthenticated(
      'INVALID_TOKEN',
      'The Authorization header must be "Bearer <JWT>", with the access token after one space.',
      true,
    );
  }

  let claims: AccessTokenClaims;
  try {
    claims = await verifyToken(match[1], nowMs);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.code, error.message, true);
    throw error;
  }
  if (!config.allowedRoles.has(claims.role)) {
    throw new HttpError(
      403,
      'ROLE_NOT_ALLOWED',
      `Tokens with the role "${claims.role}" may not enqueue requests; sign in as a user (role authenticated) or use a service key.`,
    );
  }
  return claims;
}

/** Compares every key in full, so the time taken does not tell how much of a guess was right. */
function knownKey(candidate: string, keys: ReadonlySet<string>): boolean {
  const given = new TextEncoder().encode(candidate);
  let found = false;
  for (const key of keys) {
    const expected = new TextEncoder().encode(key);
    let difference = given.length ^ expected.length;
    for (let i = 0; i < expected.length; i++) difference |= expected[i] ^ (given[i] ?? 0);
    found = found || difference === 0;
  }
  return found;
}

/**
 * The body, refused with 413 past `maxBytes` before anything is parsed: by its declared
 * Content-Length when there is one, and in any case by the bytes actually read, because a chunked
 * body has no length and a declared one can lie.
 */
async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new HttpError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${maxBytes} bytes; shorten the intent or the input and send it again.`,
    );

  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) {
      throw new HttpError(400, 'INVALID_CONTENT_LENGTH', 'The Content-Length header is not a number of bytes.');
    }
    if (Number(declared) > maxBytes) throw tooLarge();
  }

  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON with the header "Content-Type: application/json".',
    );
  }

  const bytes = new Uint8Array(maxBytes);
  let length = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.byteLength > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      bytes.set(value, length);
      length += value.byteLength;
    }
  }

  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length)));
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'The request body is not valid UTF-8 JSON; send a JSON object.');
  }
}

async function enqueueOrExplain(
  enqueue: HandlerDeps['enqueue'],
  message: IntakeMessage,
  span: TraceSpan,
  log: (entry: LogEntry) => void,
): Promise<EnqueueResult> {
  try {
    return await enqueue(message);
  } catch (error) {
    // Logged for operators (a BusUnavailableError's message has no secrets); never sent back.
    log({
      level: 'error',
      event: 'intake.enqueue_failed',
      trace_id: span.traceId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    throw new HttpError(
      503,
      'BUS_UNAVAILABLE',
      message.idempotency_key === null
        ? 'The request could not be queued right now. Retry in a few seconds; add an idempotency_key so that a retry cannot queue it twice.'
        : 'The request could not be queued right now. Retry in a few seconds with the same idempotency_key.',
      { 'Retry-After': '5' },
    );
  }
}

/** A caller's `tracestate` travels on with its trace, within the size the spec asks us to carry. */
function tracestateOf(request: Request): string | null {
  if (!parseTraceparent(request.headers.get('traceparent'))) return null;
  const tracestate = request.headers.get('tracestate')?.trim();
  return tracestate && tracestate.length <= TRACESTATE_MAX_CHARS ? tracestate : null;
}

function respond(status: number, body: unknown, headers: Readonly<Record<string, string>>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...RESPONSE_HEADERS, ...headers } });
}

function writeLog(entry: LogEntry): void {
  const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
  if (entry.level === 'error') console.error(line);
  else console.log(line);
}
