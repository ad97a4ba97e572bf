import { type OutcomeFact, joinDecisions } from './decision-records';

const outcome = (decisionId: string, result: string | null, minute: number, replanned = false): OutcomeFact => ({
  decisionId,
  outcome: result,
  replanned,
  at: new Date(Date.UTC(2026, 0, 1, 0, minute)),
});

describe(joinDecisions.name, () => {
  it('gives each decision with a template the outcome of its workflow, or pending', () => {
    const joined = joinDecisions(
      [
        { decisionId: 'd1', template: 'codeBuildTest' },
        { decisionId: 'd2', template: 'indexing' },
        { decisionId: 'd3', template: 'codeBuildTest' },
      ],
      [outcome('d1', 'succeeded', 1), outcome('d2', 'failed', 2)],
    );

    expect(joined).toEqual({
      decisions: 3,
      withoutTemplate: 0,
      records: [
        { decisionId: 'd1', template: 'codeBuildTest', outcome: 'succeeded', replanned: false },
        { decisionId: 'd2', template: 'indexing', outcome: 'failed', replanned: false },
        { decisionId: 'd3', template: 'codeBuildTest', outcome: 'pending', replanned: false },
      ],
    });
  });

  it('only counts decisions without a template, and counts a decision published twice once', () => {
    const joined = joinDecisions(
      [
        { decisionId: 'd1', template: null },
        { decisionId: 'd2', template: 'indexing' },
        { decisionId: 'd2', template: 'indexing' },
        { decisionId: null, template: 'indexing' },
      ],
      [outcome('d1', 'succeeded', 1)],
    );

    expect(joined.decisions).toBe(2);
    expect(joined.withoutTemplate).toBe(1);
    expect(joined.records).toEqual([{ decisionId: 'd2', template: 'indexing', outcome: 'pending', replanned: false }]);
  });

  it('takes the latest outcome, keeps a replan any of them reported, and ignores unknown outcomes', () => {
    const joined = joinDecisions(
      [{ decisionId: 'd1', template: 'indexing' }],
      [outcome('d1', 'succeeded', 5), outcome('d1', 'failed', 1, true), outcome('d1', 'cancelled', 9)],
    );

    expect(joined.records).toEqual([{ decisionId: 'd1', template: 'indexing', outcome: 'succeeded', replanned: true }]);
  });
});
