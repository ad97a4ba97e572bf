import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { currentTrace, formatTraceparent } from '@cogo/tracing';
import { HttpAbortedError } from '../errors/http-aborted.error';
import { HttpConnectionError } from '../errors/http-connection.error';
import { HttpResponseTooLargeError } from '../errors/http-response-too-large.error';
import { HttpTimeoutError } from '../errors/http-timeout.error';
import { displayUrl, splitCredentials } from '../http/display-url';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** The whole call, answer body included. */
  readonly timeoutMs: number;
  /** Aborts the call early (a lost bus lease). */
  readonly signal?: AbortSignal;
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  /** From sending the request to the end of the answer body. */
  readonly durationMs: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Every outgoing HTTP call of the worker. Each call has a timeout that covers the answer body
 * too (a server that sends headers and then stalls still times out), a size cap, and the current
 * trace as a W3C `traceparent`. Failures are typed errors whose messages show the URL without
 * credentials or query string; an HTTP error status is an answer, not an error.
 */
@Injectable()
export class HttpRepository {
  async request(request: HttpRequest): Promise<HttpResponse> {
    const shown = displayUrl(request.url);
    const { url, authorization } = splitCredentials(request.url);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (authorization && !hasHeader(headers, 'authorization')) headers.authorization = authorization;
    const trace = currentTrace();
    if (trace) headers.traceparent = formatTraceparent(trace);
    if (request.json !== undefined) headers['content-type'] = 'application/json';

    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        signal,
        redirect: 'error',
      });
      const body = await readBody(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, shown);
      return { status: response.status, body, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (error instanceof HttpResponseTooLargeError) throw error;
      if (timeout.aborted) throw new HttpTimeoutError(shown, request.timeoutMs);
      if (request.signal?.aborted) throw new HttpAbortedError(shown);
      throw new HttpConnectionError(shown, describeFetchFailure(error));
    }
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

async function readBody(response: Response, limit: number, shown: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new HttpResponseTooLargeError(shown, limit);
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new HttpResponseTooLargeError(shown, limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * undici reports "fetch failed" with the system error (ECONNREFUSED, ENOTFOUND, ...) as the cause.
 * Read by shape, not `instanceof`: the error may come from another realm (a VM context, Jest).
 */
function describeFetchFailure(error: unknown): string {
  const cause = property(error, 'cause');
  const code = property(cause, 'code');
  if (typeof code === 'string') return code;
  const causeMessage = property(cause, 'message');
  if (typeof causeMessage === 'string' && causeMessage !== '') return causeMessage;
  const message = property(error, 'message');
  return typeof message === 'string' && message !== '' ? message : 'unknown network error';
}

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
