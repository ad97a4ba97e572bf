import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { type Observable, map } from 'rxjs';
import { isTraceId } from '@cogo/tracing';

interface HttpRequest {
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A host name or address with an optional port: nothing else is echoed into a link. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Every HTTP answer of the developer API that carries a `trace_id` also carries `trace_url`: the
 * trace's page in the viewer, absolute on the host the caller used, so a flow started with curl
 * can be opened in a browser with one click.
 */
@Injectable()
export class TraceUrlInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const origin = originOf(request);
    return next.handle().pipe(map((body: unknown) => withTraceUrl(body, origin)));
  }
}

/** `http://host:port` of the request, or `''` (a relative link) when its Host header is unusable. */
export function originOf(request: HttpRequest): string {
  const header = request.headers.host;
  const host = Array.isArray(header) ? header[0] : header;
  if (!host || !HOST.test(host)) return '';
  return `${request.protocol === 'https' ? 'https' : 'http'}://${host}`;
}

/** `body` with `trace_url` right after its `trace_id`, if it is an object with a valid one. */
export function withTraceUrl(body: unknown, origin: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const traceId = (body as { trace_id?: unknown }).trace_id;
  if (typeof traceId !== 'string' || !isTraceId(traceId) || 'trace_url' in body) return body;
  const url = `${origin}/dev/traces/${traceId}`;
  return Object.fromEntries(
    Object.entries(body).flatMap(([key, value]) =>
      key === 'trace_id' ? [[key, value] as const, ['trace_url', url] as const] : [[key, value] as const],
    ),
  );
}
