import { Controller, Get, Header, type MessageEvent, NotFoundException, Param, Query, Res, Sse } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { TraceIdParam } from '@cogo/telemetry';
import { toSnakeCase } from '../controllers/bus-gateway';
import { VIEWER_ASSETS } from './assets/viewer-assets';
import { BusLiveService } from './bus-live.service';
import { RecentTracesQuery } from './dto/recent-traces.query';
import { renderLivePage } from './pages/live.page';
import { renderTraceNotFoundPage, renderTracePage } from './pages/trace.page';
import { TraceViewerService } from './trace-viewer.service';

const HTML = 'text/html; charset=utf-8';
/** Scripts only from /dev/assets; style attributes place the waterfall's bars. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

interface HttpResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/**
 * The developer's viewer, in the browser: `/dev` (the bus, live) and `/dev/traces/:trace_id` (one
 * trace as a waterfall). Pages are rendered here; the live view's script and styles are served
 * from `/dev/assets`, with no third-party resource and no build step.
 */
@Controller('dev')
export class ViewerController {
  constructor(
    private readonly live: BusLiveService,
    private readonly traces: TraceViewerService,
  ) {}

  @Get()
  @Header('content-type', HTML)
  @Header('content-security-policy', CSP)
  @Header('cache-control', 'no-store')
  livePage(): string {
    return renderLivePage();
  }

  @Get('traces/:trace_id')
  @Header('content-type', HTML)
  @Header('content-security-policy', CSP)
  @Header('cache-control', 'no-store')
  async tracePage(@Param() params: TraceIdParam, @Res({ passthrough: true }) response: HttpResponse): Promise<string> {
    const model = await this.traces.page(params.trace_id);
    if (model) return renderTracePage(model);
    response.status(404);
    return renderTraceNotFoundPage(params.trace_id);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) response: HttpResponse): string {
    const asset = Object.entries(VIEWER_ASSETS).find(([known]) => known === name)?.[1];
    if (!asset) throw new NotFoundException(`There is no viewer asset ${name}.`);
    response.setHeader('content-type', asset.contentType);
    response.setHeader('cache-control', 'no-cache');
    return asset.body;
  }

  /** The bus, about once a second, as server-sent events (`data:` a JSON snapshot). */
  @Sse('api/stream')
  stream(): Observable<MessageEvent> {
    return this.live.watch();
  }

  /** The most recently started traces, with status and duration. */
  @Get('api/traces')
  async recentTraces(@Query() query: RecentTracesQuery): Promise<unknown> {
    const traces = await this.traces.recent(query.limit ?? 25, query.lookups === 'true');
    return { traces: toSnakeCase(traces) };
  }
}
