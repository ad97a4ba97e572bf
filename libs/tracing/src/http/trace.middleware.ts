import { Injectable, type NestMiddleware } from '@nestjs/common';
import { childSpan, formatTraceparent, parseTraceparent } from '../trace-context';
import { runWithTrace } from '../trace-storage';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  setHeader(name: string, value: string): void;
}

/**
 * Every HTTP request runs in a trace: the caller's W3C `traceparent` is continued (this request
 * is a child span of it), otherwise a new trace starts. The response carries this request's
 * `traceparent`, and bus messages sent while handling it inherit the trace.
 */
@Injectable()
export class TraceMiddleware implements NestMiddleware {
  use(request: HttpRequest, response: HttpResponse, next: () => void): void {
    const header = request.headers.traceparent;
    const parent = parseTraceparent(Array.isArray(header) ? header[0] : header);
    const span = childSpan(parent);
    response.setHeader('traceparent', formatTraceparent(span));
    runWithTrace(span, next);
  }
}
