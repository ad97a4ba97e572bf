import type { Level, Logger } from 'pino';
import { parseTraceparent } from '../trace-context';

interface HttpRequest {
  readonly method?: string;
  readonly originalUrl?: string;
  readonly url?: string;
}

interface HttpResponse {
  readonly statusCode: number;
  readonly writableFinished: boolean;
  getHeader(name: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** Probes and scrapes arrive every few seconds: logged at debug, unless they fail. */
const PROBE_PATH = /^\/(?:health|metrics)(?:\/|$)/;

/**
 * One line per HTTP request, when its response is done: `method`, `path` (without the query
 * string, which may carry credentials), `status`, `duration_ms`, and the request's `trace_id` and
 * `span_id`. Headers and bodies are never logged.
 *
 * It runs before Nest's routing, so the trace is read from the `traceparent` the request answered
 * with (set by `TraceMiddleware`), not from the context the handler ran in.
 */
export function accessLog(logger: Logger): (request: HttpRequest, response: HttpResponse, next: () => void) => void {
  const log = logger.child({ context: 'HttpAccess' });
  return (request, response, next) => {
    const startedAt = process.hrtime.bigint();
    response.once('close', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - startedAt) / 1e4) / 100;
      const method = request.method ?? 'GET';
      const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
      const finished = response.writableFinished;
      const header = response.getHeader('traceparent');
      const trace = parseTraceparent(typeof header === 'string' ? header : undefined);
      const fields = {
        method,
        path,
        status: response.statusCode,
        duration_ms: durationMs,
        ...(finished ? {} : { aborted: true }),
        ...(trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {}),
      };
      const outcome = finished ? String(response.statusCode) : 'aborted by the client';
      log[levelOf(path, response.statusCode, finished)](fields, `${method} ${path} ${outcome} in ${durationMs} ms`);
    });
    next();
  };
}

function levelOf(path: string, status: number, finished: boolean): Level {
  if (status >= 500) return 'error';
  if (status >= 400 || !finished) return 'warn';
  return PROBE_PATH.test(path) ? 'debug' : 'info';
}
