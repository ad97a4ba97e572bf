import type { EvaluationCase } from '@cogo/gates';
import type { DecisionEventRepository } from './decision-event.repository';
import { DecisionQualityService } from './decision-quality.service';
import type { DecisionFact, OutcomeFact } from './decision-records';
import type { EvaluationSetRepository } from './evaluation-set.repository';

const FROM = new Date('2026-01-01T00:00:00Z');
const TO = new Date('2026-01-02T00:00:00Z');

function setup(decisions: DecisionFact[], outcomes: OutcomeFact[], cases: EvaluationCase[]) {
  const events = {
    decisionsWithin: jest.fn().mockResolvedValue({ from: FROM, to: TO, decisions }),
    outcomesOf: jest.fn().mockResolvedValue(outcomes),
  };
  const evaluationSet = { path: 'intents.eval.json', load: jest.fn().mockResolvedValue(cases) };
  const service = new DecisionQualityService(
    events as unknown as DecisionEventRepository,
    evaluationSet as unknown as EvaluationSetRepository,
  );
  return { service, events };
}

describe(DecisionQualityService.name, () => {
  it('scores the decisions of the window online and the planner on the labelled set offline', async () => {
    const { service, events } = setup(
      [
        { decisionId: 'd1', template: 'codeBuildTest' },
        { decisionId: 'd2', template: 'codeBuildTest' },
        { decisionId: 'd3', template: 'indexing' },
        { decisionId: 'd4', template: null },
      ],
      [
        { decisionId: 'd1', outcome: 'succeeded', replanned: false, at: TO },
        { decisionId: 'd2', outcome: 'failed', replanned: false, at: TO },
      ],
      [
        { intent: 'index the repository', expected: 'indexing', kind: 'clear' },
        { intent: 'generate a slugify helper and test it', expected: 'codeBuildTest', kind: 'clear' },
        { intent: 'do the thing', expected: null, kind: 'ambiguous' },
        // Asks for both templates, so the planner asks to clarify: the one miss out of four.
        { intent: 'index and generate code for it', expected: 'codeBuildTest', kind: 'clear' },
      ],
    );

    const report = await service.report(86_400_000);

    expect(events.decisionsWithin).toHaveBeenCalledWith(86_400_000);
    expect(events.outcomesOf).toHaveBeenCalledWith(['d1', 'd2', 'd3', 'd4'], FROM);
    expect(report.from).toBe('2026-01-01T00:00:00.000Z');
    expect(report.online).toEqual({
      decisions: 4,
      withoutTemplate: 1,
      decided: 2,
      clean: 1,
      replanned: 0,
      failed: 1,
      pending: 1,
      score: 0.5,
      byTemplate: [
        { template: 'codeBuildTest', decided: 2, clean: 1, replanned: 0, failed: 1, score: 0.5 },
        { template: 'indexing', decided: 0, clean: 0, replanned: 0, failed: 0, score: null },
      ],
    });
    expect(report.offline).toMatchObject({ evaluationSet: 'intents.eval.json', cases: 4, correct: 3, accuracy: 0.75 });
    expect(report.offline.byKind).toEqual([
      { kind: 'clear', cases: 3, correct: 2, accuracy: 2 / 3 },
      { kind: 'ambiguous', cases: 1, correct: 1, accuracy: 1 },
      { kind: 'invalid', cases: 0, correct: 0, accuracy: null },
    ]);
    expect(report.offline.misses).toEqual([
      { intent: 'index and generate code for it', kind: 'clear', expected: 'codeBuildTest', predicted: null },
    ]);
  });
});
