import { DecisionEventRepository } from '../../../apps/orchestrator/src/quality/decision-event.repository';
import { DecisionQualityService } from '../../../apps/orchestrator/src/quality/decision-quality.service';
import { EvaluationSetRepository } from '../../../apps/orchestrator/src/quality/evaluation-set.repository';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { busPublish } from '../bus-sql/bus-functions';

const decision = (decisionId: string, template: string | null) => ({
  type: 'orchestrator.decision',
  source: 'orchestrator',
  data: {
    decisionId,
    planId: `plan-${decisionId}`,
    intent: 'an intent',
    template,
    kind: template ? 'clear' : 'ambiguous',
  },
});
const outcome = (decisionId: string, result: string, replanned = false) => ({
  type: 'orchestrator.decision.outcome',
  source: 'orchestrator',
  data: { decisionId, runId: `run-${decisionId}`, template: 'codeBuildTest', outcome: result, replanned },
});

describe(DecisionQualityService.name, () => {
  let db: TestDatabase;
  let service: DecisionQualityService;

  beforeAll(async () => {
    db = await createTestDatabase();
    service = new DecisionQualityService(new DecisionEventRepository(db.pool), new EvaluationSetRepository());
    await busPublish(db.pool, [
      decision('clean', 'codeBuildTest'),
      decision('replanned', 'codeBuildTest'),
      decision('failed', 'indexing'),
      decision('pending', 'indexing'),
      decision('unplannable', null),
      decision('old', 'indexing'),
    ]);
    await busPublish(db.pool, [
      outcome('clean', 'succeeded'),
      outcome('replanned', 'succeeded', true),
      outcome('failed', 'failed'),
      outcome('old', 'failed'),
    ]);
    await db.pool.query(
      "update bus_events set created_at = now() - interval '3 days' where data->>'decisionId' = 'old'",
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  it('joins the decisions of the window with the outcomes of their workflows', async () => {
    const report = await service.report(24 * 3_600_000);

    expect(report.online).toEqual({
      decisions: 5,
      withoutTemplate: 1,
      decided: 3,
      clean: 1,
      replanned: 1,
      failed: 1,
      pending: 1,
      score: 1 / 3,
      byTemplate: [
        { template: 'codeBuildTest', decided: 2, clean: 1, replanned: 1, failed: 0, score: 0.5 },
        { template: 'indexing', decided: 1, clean: 0, replanned: 0, failed: 1, score: 0 },
      ],
    });
    expect(Date.parse(report.to) - Date.parse(report.from)).toBe(24 * 3_600_000);
  });

  it('takes in older decisions with a longer window', async () => {
    expect((await service.report(4 * 24 * 3_600_000)).online).toMatchObject({ decisions: 6, failed: 2 });
  });

  it('scores the planner on the labelled evaluation set', async () => {
    const { offline } = await service.report(60_000);

    expect(offline.evaluationSet).toBe('libs/gates/src/evaluation/intents.eval.json');
    expect(offline.cases).toBeGreaterThanOrEqual(20);
    expect(offline.errors).toBe(0);
    expect(offline.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(offline.byKind.map((kind) => kind.kind)).toEqual(['clear', 'ambiguous', 'invalid']);
  });
});
