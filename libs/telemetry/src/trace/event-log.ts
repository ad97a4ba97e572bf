/** One `bus_events` row in the event log. */
export interface EventLogEntry {
  readonly id: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly type: string;
  readonly source: string;
  readonly data: unknown;
  readonly createdAt: Date;
}

export interface EventTypeCount {
  readonly type: string;
  readonly count: number;
}

/** `GET /api/metrics/events`: counts by type over the window and one page of the log, newest first. */
export interface EventLogPage {
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  /** Every type in the window, most frequent first (ties by type). */
  readonly counts: readonly EventTypeCount[];
  /** The listed type, or `null` for all of them. */
  readonly type: string | null;
  /** Events the list covers across all pages. */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** The page after this one, `null` on the last page. */
  readonly nextPage: number | null;
  readonly events: readonly EventLogEntry[];
}

/**
 * One page of the event log.
 *
 * @param rows the rows at the page's offset, newest first: up to `pageSize + 1`, the extra one
 *   only telling that another page follows
 */
export function eventLogPage(input: {
  readonly window: { readonly text: string; readonly from: Date; readonly to: Date };
  readonly counts: readonly EventTypeCount[];
  readonly type: string | null;
  readonly page: number;
  readonly pageSize: number;
  readonly rows: readonly EventLogEntry[];
}): EventLogPage {
  const { window, counts, type, page, pageSize, rows } = input;
  const total =
    type === null
      ? counts.reduce((sum, entry) => sum + entry.count, 0)
      : (counts.find((entry) => entry.type === type)?.count ?? 0);
  return {
    window: window.text,
    from: window.from,
    to: window.to,
    counts,
    type,
    total,
    page,
    pageSize,
    nextPage: rows.length > pageSize ? page + 1 : null,
    events: rows.slice(0, pageSize),
  };
}

/** The HTTP form: snake_case keys, while each event's `data` passes through as stored. */
export function toEventLogWire(page: EventLogPage): Record<string, unknown> {
  return {
    window: page.window,
    from: page.from.toISOString(),
    to: page.to.toISOString(),
    counts: page.counts,
    type: page.type,
    total: page.total,
    page: page.page,
    page_size: page.pageSize,
    next_page: page.nextPage,
    events: page.events.map((event) => ({
      id: event.id,
      trace_id: event.traceId,
      span_id: event.spanId,
      parent_span_id: event.parentSpanId,
      type: event.type,
      source: event.source,
      data: event.data,
      created_at: event.createdAt.toISOString(),
    })),
  };
}
