import { compareCodePoints } from './compare-code-points';
import { FAILED_STATUSES, type TraceRecords } from './trace-records';
import { groupOf } from './trace-timings';
import type { TraceSummary } from './trace-view';

/**
 * The summary of one trace: from the first row created to the last thing finished (a message
 * completed or an event written), counts, failures and who and what took part.
 *
 * @throws RangeError for a trace without rows
 */
export function summarizeTrace(records: TraceRecords): TraceSummary {
  const { messages, events } = records;
  const created = [...messages, ...events].map((row) => row.createdAt.getTime());
  if (created.length === 0) throw new RangeError('a trace has at least one message or event');
  const finished = [
    ...messages.flatMap((message) => (message.completedAt ? [message.completedAt.getTime()] : [])),
    ...events.map((event) => event.createdAt.getTime()),
  ];
  const startedAt = Math.min(...created);
  const finishedAt = finished.length > 0 ? Math.max(...finished) : null;
  return {
    startedAt: new Date(startedAt),
    finishedAt: finishedAt === null ? null : new Date(finishedAt),
    durationMs: finishedAt === null ? null : Math.max(0, finishedAt - startedAt),
    messages: messages.length,
    events: events.length,
    failures: messages.filter((message) => FAILED_STATUSES.includes(message.status)).length,
    inFlight: messages.filter((message) => message.status === 'queued' || message.status === 'claimed').length,
    agents: sortedDistinct([
      ...messages.flatMap((message) => [groupOf(message.sender), groupOf(message.recipient)]),
      ...events.map((event) => groupOf(event.source)),
    ]),
    patterns: sortedDistinct([...messages.map((message) => message.pattern), ...events.map((event) => event.type)]),
    truncated: records.truncated,
  };
}

function sortedDistinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}
