import type { TraceEventRecord, TraceMessageRecord } from './trace-records';
import type { TraceNode } from './trace-view';

/** A row of either table, under a key that cannot clash between them. */
export type TraceRow =
  | { readonly key: string; readonly record: 'message'; readonly row: TraceMessageRecord }
  | { readonly key: string; readonly record: 'event'; readonly row: TraceEventRecord };

export const messageRow = (row: TraceMessageRecord): TraceRow => ({ key: `message:${row.id}`, record: 'message', row });
export const eventRow = (row: TraceEventRecord): TraceRow => ({ key: `event:${row.id}`, record: 'event', row });

/**
 * The parent of every row (by key, `null` for a root). An event delivery hangs under its
 * `bus_events` row and a reply under its request (both by `correlation_id`); anything else under
 * the row whose span is its `parent_span_id`. A parent span that no row of the trace carries (the
 * HTTP request that started the trace, or a workflow run's own span) makes a root. Should two
 * rows claim one span, the earlier in `rows` owns it; a cycle in malformed data is cut at the
 * earliest row in it, which becomes a root.
 *
 * @param rows every row of the trace, oldest first
 */
export function linkParents(rows: readonly TraceRow[]): Map<string, string | null> {
  const bySpan = new Map<string, string>();
  const byId = new Map<string, TraceRow>();
  for (const row of rows) {
    if (!bySpan.has(row.row.spanId)) bySpan.set(row.row.spanId, row.key);
    byId.set(row.key, row);
  }
  const parents = new Map<string, string | null>();
  for (const row of rows) {
    let parent: string | null = null;
    if (row.record === 'message' && row.row.correlationId) {
      const correlated = byId.get(`${row.row.kind === 'event' ? 'event' : 'message'}:${row.row.correlationId}`);
      if (row.row.kind !== 'request' && correlated) parent = correlated.key;
    }
    if (parent === null && row.row.parentSpanId) parent = bySpan.get(row.row.parentSpanId) ?? null;
    parents.set(row.key, parent === row.key ? null : parent);
  }
  for (const row of rows) {
    const seen = new Set<string>([row.key]);
    for (let up = parents.get(row.key) ?? null; up !== null; up = parents.get(up) ?? null) {
      if (seen.has(up)) {
        parents.set(row.key, null);
        break;
      }
      seen.add(up);
    }
  }
  return parents;
}

/** Number of ancestors of every row. */
export function depthsOf(parents: ReadonlyMap<string, string | null>): Map<string, number> {
  const depths = new Map<string, number>();
  const depthOf = (key: string): number => {
    const known = depths.get(key);
    if (known !== undefined) return known;
    const parent = parents.get(key) ?? null;
    const depth = parent === null ? 0 : depthOf(parent) + 1;
    depths.set(key, depth);
    return depth;
  };
  for (const key of parents.keys()) depthOf(key);
  return depths;
}

/** The rows nested under their parents; roots and children keep the order of `rows`. */
export function nestRows(rows: readonly TraceRow[], parents: ReadonlyMap<string, string | null>): TraceNode[] {
  const children = new Map<string | null, TraceRow[]>();
  for (const row of rows) {
    const parent = parents.get(row.key) ?? null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(row);
    else children.set(parent, [row]);
  }
  const nodeOf = (row: TraceRow): TraceNode => ({
    id: row.row.id,
    record: row.record,
    kind: row.record === 'event' ? 'event' : row.row.kind,
    pattern: row.record === 'event' ? row.row.type : row.row.pattern,
    spanId: row.row.spanId,
    children: (children.get(row.key) ?? []).map(nodeOf),
  });
  return (children.get(null) ?? []).map(nodeOf);
}
