import { lastValueFrom, of } from 'rxjs';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { TraceUrlInterceptor, originOf, withTraceUrl } from './trace-url.interceptor';

const TRACE_ID = '2564514881165ba0a40fbe9668bba915';

function httpContext(headers: Record<string, string>, type = 'http'): ExecutionContext {
  return {
    getType: () => type,
    switchToHttp: () => ({ getRequest: () => ({ protocol: 'http', headers }) }),
  } as unknown as ExecutionContext;
}

const answering = (body: unknown): CallHandler => ({ handle: () => of(body) });

describe(TraceUrlInterceptor.name, () => {
  it('adds the absolute trace page after the trace_id of an HTTP answer, on the host the caller used', async () => {
    const body = { run_id: 'r', trace_id: TRACE_ID, status: 'succeeded' };
    const answer = await lastValueFrom(
      new TraceUrlInterceptor().intercept(httpContext({ host: 'localhost:3000' }), answering(body)),
    );

    expect(Object.entries(answer as object)).toEqual([
      ['run_id', 'r'],
      ['trace_id', TRACE_ID],
      ['trace_url', `http://localhost:3000/dev/traces/${TRACE_ID}`],
      ['status', 'succeeded'],
    ]);
  });

  it('leaves bus answers alone', async () => {
    const body = { trace_id: TRACE_ID };
    const answer = await lastValueFrom(new TraceUrlInterceptor().intercept(httpContext({}, 'rpc'), answering(body)));

    expect(answer).toBe(body);
  });
});

describe(withTraceUrl.name, () => {
  it('leaves answers without a valid trace_id, lists and other values unchanged', () => {
    for (const body of [{ trace_id: 'not-a-trace' }, { run_id: 'r' }, [{ trace_id: TRACE_ID }], 'text', null]) {
      expect(withTraceUrl(body, 'http://localhost:3000')).toBe(body);
    }
  });
});

describe(originOf.name, () => {
  it('echoes a host name, an address or an IPv6 literal with a port, and nothing that could break out of a link', () => {
    expect(originOf({ headers: { host: '127.0.0.1:41000' } })).toBe('http://127.0.0.1:41000');
    expect(originOf({ headers: { host: '[::1]:3000' } })).toBe('http://[::1]:3000');
    expect(originOf({ protocol: 'https', headers: { host: 'dev.example.com' } })).toBe('https://dev.example.com');
    expect(originOf({ headers: { host: 'evil.com/"><script>' } })).toBe('');
    expect(originOf({ headers: {} })).toBe('');
  });
});
