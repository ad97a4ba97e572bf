import type { TraceRecords } from './trace-records';
import { summarizeTrace } from './trace-summary';
import { handlerMs, queueWaitMs } from './trace-timings';
import { type TraceRow, depthsOf, eventRow, linkParents, messageRow, nestRows } from './trace-tree';
import type { TraceEntry, TraceView } from './trace-view';

/** At one instant: the event before its deliveries, a request before the reply to it. */
const KIND_RANK = { event: 0, request: 1, delivery: 2, reply: 3 } as const;

/**
 * One trace as a time-ordered view: every `agent_messages` and `bus_events` row with its queue
 * wait and handler time, the parent/child tree and a summary. Rows are ordered by creation; rows
 * created at the same millisecond put parents before children.
 *
 * @param records the rows of the trace, each table oldest first
 * @throws RangeError for a trace without rows
 */
export function assembleTrace(traceId: string, records: TraceRecords): TraceView {
  const summary = summarizeTrace(records);
  const start = summary.startedAt.getTime();
  const byCreation = [...records.events.map(eventRow), ...records.messages.map(messageRow)]
    .map((row, sequence) => ({ row, sequence }))
    .sort((a, b) => created(a.row) - created(b.row) || a.sequence - b.sequence);
  const parents = linkParents(byCreation.map(({ row }) => row));
  const depths = depthsOf(parents);
  const ordered = byCreation
    .sort(
      (a, b) =>
        created(a.row) - created(b.row) ||
        (depths.get(a.row.key) ?? 0) - (depths.get(b.row.key) ?? 0) ||
        rank(a.row) - rank(b.row) ||
        a.sequence - b.sequence,
    )
    .map(({ row }) => row);
  const idOf = new Map(ordered.map((row) => [row.key, row.row.id]));
  const deliveries = new Map<string, number>();
  for (const message of records.messages) {
    if (message.kind === 'event' && message.correlationId) {
      deliveries.set(message.correlationId, (deliveries.get(message.correlationId) ?? 0) + 1);
    }
  }

  const timeline = ordered.map((row): TraceEntry => {
    const parentKey = parents.get(row.key) ?? null;
    const placement = {
      parentId: parentKey === null ? null : (idOf.get(parentKey) ?? null),
      depth: depths.get(row.key) ?? 0,
      offsetMs: created(row) - start,
    };
    if (row.record === 'event') {
      const { traceId: _traceId, ...event } = row.row;
      return { record: 'event', ...event, ...placement, deliveries: deliveries.get(event.id) ?? 0 };
    }
    const { traceId: _traceId, ...message } = row.row;
    return {
      record: 'message',
      ...message,
      ...placement,
      queueWaitMs: queueWaitMs(row.row),
      handlerMs: handlerMs(row.row),
    };
  });
  return { traceId, summary, timeline, tree: nestRows(ordered, parents) };
}

function created(row: TraceRow): number {
  return row.row.createdAt.getTime();
}

function rank(row: TraceRow): number {
  if (row.record === 'event') return KIND_RANK.event;
  return row.row.kind === 'event' ? KIND_RANK.delivery : KIND_RANK[row.row.kind];
}
