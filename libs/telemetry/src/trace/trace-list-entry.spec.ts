import { type TraceListRow, traceListEntry } from './trace-list-entry';

const T0 = new Date('2026-01-01T00:00:00.000Z');

function aRow(overrides: Partial<TraceListRow> = {}): TraceListRow {
  return {
    traceId: '2564514881165ba0a40fbe9668bba915',
    rootPattern: 'orchestrator.execute',
    startedAt: T0,
    finishedAt: new Date(T0.getTime() + 1_250),
    messages: 12,
    failures: 0,
    inFlight: 0,
    run: null,
    ...overrides,
  };
}

describe(traceListEntry.name, () => {
  it('takes the status of the workflow run when the trace started one', () => {
    const run = (status: string) => ({ id: 'b6136491-7d2b-4438-95be-6d729f4ffdda', template: 'codeBuildTest', status });

    expect(traceListEntry(aRow({ run: run('succeeded') })).status).toBe('ok');
    // The run failed although every delivery was done: a failed test is a result, not a crash.
    expect(traceListEntry(aRow({ run: run('failed') })).status).toBe('failed');
    expect(traceListEntry(aRow({ run: run('running') }))).toMatchObject({ status: 'running', durationMs: null });
  });

  it('without a run, is failed on any failed delivery, else running while anything is in flight', () => {
    expect(traceListEntry(aRow({ failures: 1, inFlight: 1 })).status).toBe('failed');
    expect(traceListEntry(aRow({ inFlight: 2 })).status).toBe('running');
    expect(traceListEntry(aRow()).status).toBe('ok');
  });

  it('measures from the first message to the last completion, once nothing is in flight', () => {
    expect(traceListEntry(aRow()).durationMs).toBe(1_250);
    expect(traceListEntry(aRow({ failures: 1, inFlight: 1 })).durationMs).toBeNull();
  });
});
