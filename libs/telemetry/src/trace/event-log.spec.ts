import { type EventLogEntry, eventLogPage, toEventLogWire } from './event-log';

const window = { text: '1h', from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T01:00:00Z') };
const counts = [
  { type: 'workflow.step.started', count: 6 },
  { type: 'orchestrator.decision', count: 2 },
];
const anEntry = (n: number): EventLogEntry => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: null,
  type: 'orchestrator.decision',
  source: 'orchestrator',
  data: { decisionId: `d${n}` },
  createdAt: new Date(`2026-01-01T00:0${n}:00Z`),
});

describe(eventLogPage.name, () => {
  it('points to the next page when a row beyond the page was read, and lists only the page', () => {
    const page = eventLogPage({
      window,
      counts,
      type: null,
      page: 2,
      pageSize: 2,
      rows: [anEntry(3), anEntry(2), anEntry(1)],
    });

    expect(page).toMatchObject({ total: 8, page: 2, pageSize: 2, nextPage: 3, type: null });
    expect(page.events.map((event) => event.id)).toEqual([anEntry(3).id, anEntry(2).id]);
  });

  it('has no next page on the last one, and counts only the listed type', () => {
    const page = eventLogPage({
      window,
      counts,
      type: 'orchestrator.decision',
      page: 1,
      pageSize: 2,
      rows: [anEntry(2), anEntry(1)],
    });

    expect(page).toMatchObject({ total: 2, nextPage: null, type: 'orchestrator.decision' });
    expect(eventLogPage({ window, counts, type: 'never.seen', page: 1, pageSize: 5, rows: [] }).total).toBe(0);
  });
});

describe(toEventLogWire.name, () => {
  it('uses snake_case keys and leaves event data as stored', () => {
    const wire = toEventLogWire(eventLogPage({ window, counts, type: null, page: 1, pageSize: 1, rows: [anEntry(1)] }));

    expect(wire).toEqual({
      window: '1h',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T01:00:00.000Z',
      counts,
      type: null,
      total: 8,
      page: 1,
      page_size: 1,
      next_page: null,
      events: [
        {
          id: anEntry(1).id,
          trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
          span_id: '00f067aa0ba902b7',
          parent_span_id: null,
          type: 'orchestrator.decision',
          source: 'orchestrator',
          data: { decisionId: 'd1' },
          created_at: '2026-01-01T00:01:00.000Z',
        },
      ],
    });
  });
});
