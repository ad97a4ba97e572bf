import type { GatesJsonReport } from '@cogo/gates';
import type { TraceRun } from '@cogo/telemetry';
import { TRACE_ID, aMessage, aTraceView, anEvent, at } from '../testing/trace-view.builder';
import { errorText, failureOf, gateHeadline, renderTracePage } from './trace.page';

const HOSTILE = '<img src=x onerror="alert(1)">';

function aRun(overrides: Partial<TraceRun> = {}): TraceRun {
  return {
    id: 'b6136491-7d2b-4438-95be-6d729f4ffdda',
    template: 'codeBuildTest',
    status: 'failed',
    error: { code: 'STEP_FAILED', message: 'step test failed' },
    steps: [
      { name: 'generate', capability: 'codegen.generate', status: 'succeeded', attempts: 1, error: null },
      {
        name: 'test',
        capability: 'test.run',
        status: 'failed',
        attempts: 1,
        error: { code: 'TESTS_FAILED', message: HOSTILE },
      },
    ],
    ...overrides,
  };
}

function aGateReport(passed: boolean): GatesJsonReport {
  return {
    passed,
    gates: [
      {
        gate: 'failure_rate',
        family: 'failure_rate',
        pattern: null,
        status: passed ? 'pass' : 'fail',
        value: passed ? 0 : 0.25,
        threshold: 0.05,
        comparator: '<=',
        unit: 'share',
        samples: 4,
        min_samples: 1,
        message: 'failure rate',
      },
    ],
  } as unknown as GatesJsonReport;
}

function aFailedTrace() {
  return aTraceView([
    aMessage({ pattern: 'orchestrator.execute', createdAt: at(0), claimedAt: at(2), completedAt: at(100) }),
    aMessage({
      pattern: 'test.run',
      recipient: 'build-test-worker',
      status: 'failed',
      createdAt: at(10),
      claimedAt: at(20),
      completedAt: at(90),
      error: { code: 'TESTS_FAILED', message: HOSTILE },
    }),
  ]);
}

describe(renderTracePage.name, () => {
  it('draws one row per message with its pattern and status, and marks a failed one with its error', () => {
    const page = renderTracePage({ view: aFailedTrace(), run: aRun(), gate: { report: aGateReport(false) } });

    expect(page.match(/data-testid="waterfall-row"/g)).toHaveLength(2);
    expect(page).toMatch(/<tr\s+class="row failed kind-request"[^>]*data-pattern="test.run"\s+data-status="failed"/);
    expect(page).toContain('data-testid="row-error"');
    expect(page).toContain('TESTS_FAILED: &lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('never writes a stored error or name as markup', () => {
    const page = renderTracePage({
      view: aFailedTrace(),
      run: aRun({ template: HOSTILE }),
      gate: { problem: HOSTILE },
    });

    expect(page).not.toContain('<img');
  });

  it('shows the gate verdict with value against threshold, or why there is none', () => {
    const judged = renderTracePage({ view: aFailedTrace(), run: aRun(), gate: { report: aGateReport(false) } });
    const unjudged = renderTracePage({ view: aFailedTrace(), run: null, gate: null });

    expect(judged).toContain('data-passed="false"');
    expect(judged).toMatch(/data-gate="failure_rate" data-status="fail"/);
    expect(judged).toContain('25.0%');
    expect(judged).toContain('≤ 5.0%');
    expect(unjudged).toContain('data-passed="none"');
  });

  it('reloads itself while anything is in flight, and not once the trace is finished', () => {
    const running = aTraceView([
      aMessage({ status: 'claimed', createdAt: at(0), claimedAt: at(1), completedAt: null }),
    ]);

    expect(renderTracePage({ view: running, run: null, gate: null })).toContain('http-equiv="refresh"');
    expect(renderTracePage({ view: aFailedTrace(), run: aRun(), gate: null })).not.toContain('http-equiv="refresh"');
    expect(renderTracePage({ view: aFailedTrace(), run: aRun(), gate: null })).toContain(TRACE_ID);
  });
});

describe(errorText.name, () => {
  it('reads code and message of a bus error, and falls back to JSON for anything else', () => {
    expect(errorText({ code: 'LEASE_EXPIRED', message: 'lease ran out' })).toBe('LEASE_EXPIRED: lease ran out');
    expect(errorText({ code: 'TIMEOUT' })).toBe('TIMEOUT');
    expect(errorText({ reason: 42 })).toBe('{"reason":42}');
    expect(errorText(null)).toBeNull();
  });
});

describe(failureOf.name, () => {
  it('finds the failure a run reports in its events, since a failed test is a result and its messages are done', () => {
    const view = aTraceView(
      [aMessage({ pattern: 'test.run', createdAt: at(0), claimedAt: at(1), completedAt: at(9) })],
      [
        anEvent({ type: 'test.completed', data: { ok: false, failed: 1, passed: 0 }, createdAt: at(8) }),
        anEvent({
          type: 'workflow.step.failed',
          data: { step: 'test', error: { code: 'TESTS_FAILED', message: '1 of 1 test(s) failed' } },
          createdAt: at(10),
        }),
        anEvent({ type: 'workflow.failed', data: null, createdAt: at(11) }),
        anEvent({ type: 'workflow.step.completed', data: { step: 'compile' }, createdAt: at(12) }),
      ],
    );

    expect(
      view.timeline.map((entry) => [entry.record === 'event' ? entry.type : entry.pattern, failureOf(entry)]),
    ).toEqual([
      ['test.run', null],
      ['test.completed', 'test.completed: not ok, 1 failed'],
      ['workflow.step.failed', 'TESTS_FAILED: 1 of 1 test(s) failed'],
      ['workflow.failed', 'workflow.failed'],
      ['workflow.step.completed', null],
    ]);
  });

  it('reports a message that ended dead with its error, or its status when it has none', () => {
    const [dead, expired] = aTraceView([
      aMessage({ status: 'dead', error: { code: 'LEASE_EXPIRED', message: 'lease ran out' }, createdAt: at(0) }),
      aMessage({ status: 'expired', claimedAt: null, completedAt: at(5), createdAt: at(1) }),
    ]).timeline;

    expect(failureOf(dead)).toBe('LEASE_EXPIRED: lease ran out');
    expect(failureOf(expired)).toBe('expired');
  });
});

describe(gateHeadline.name, () => {
  const withStatuses = (passed: boolean, ...statuses: string[]): GatesJsonReport =>
    ({ passed, gates: statuses.map((status) => ({ status })) }) as unknown as GatesJsonReport;

  it('tells a measured failure from gates that had no samples in the trace', () => {
    expect(gateHeadline(withStatuses(true, 'pass'))).toEqual({ text: 'passed', tone: 'ok', note: null });
    expect(gateHeadline(withStatuses(false, 'pass', 'fail', 'insufficient'))).toMatchObject({
      text: 'failed (1 gate(s))',
      tone: 'failed',
    });
    expect(gateHeadline(withStatuses(false, 'pass', 'insufficient'))).toEqual({
      text: 'not fully judged',
      tone: 'running',
      note: '1 gate(s) without samples in this trace',
    });
  });
});
