import { aDecision } from '../testing/gate-samples.builder';
import { decisionQuality } from './decision-quality';

describe(decisionQuality.name, () => {
  it('has no score, not a score of 0, before any decision is made', () => {
    expect(decisionQuality([])).toEqual({
      decided: 0,
      clean: 0,
      replanned: 0,
      failed: 0,
      pending: 0,
      score: null,
      byTemplate: {},
    });
  });

  it('leaves pending decisions out of the denominator', () => {
    const quality = decisionQuality([aDecision({ outcome: 'pending' }), aDecision({ outcome: 'pending' })]);
    expect(quality).toMatchObject({ decided: 0, pending: 2, score: null });
  });

  it('is the share of finished decisions that succeeded without replanning', () => {
    const quality = decisionQuality([
      ...Array.from({ length: 6 }, () => aDecision()),
      aDecision({ replanned: true }),
      aDecision({ outcome: 'failed' }),
      aDecision({ outcome: 'pending' }),
      aDecision({ outcome: 'pending' }),
    ]);
    expect(quality).toMatchObject({ decided: 8, clean: 6, replanned: 1, failed: 1, pending: 2, score: 0.75 });
  });

  it('counts a replanned workflow that still failed once, as failed', () => {
    expect(decisionQuality([aDecision({ outcome: 'failed', replanned: true })])).toMatchObject({
      decided: 1,
      replanned: 0,
      failed: 1,
      score: 0,
    });
  });

  it('is 1 or 0 for a single decision', () => {
    expect(decisionQuality([aDecision()]).score).toBe(1);
    expect(decisionQuality([aDecision({ replanned: true })]).score).toBe(0);
  });

  it('breaks the score down per template, templates in code-point order', () => {
    const quality = decisionQuality([
      aDecision({ template: 'indexing' }),
      aDecision({ template: 'indexing' }),
      aDecision({ template: 'codeBuildTest' }),
      aDecision({ template: 'codeBuildTest', replanned: true }),
      aDecision({ template: 'codeBuildTest', outcome: 'failed' }),
      aDecision({ template: 'codeBuildTest', outcome: 'pending' }),
    ]);
    expect(Object.keys(quality.byTemplate)).toEqual(['codeBuildTest', 'indexing']);
    expect(quality.byTemplate.codeBuildTest).toEqual({ decided: 3, clean: 1, replanned: 1, failed: 1, score: 1 / 3 });
    expect(quality.byTemplate.indexing).toEqual({ decided: 2, clean: 2, replanned: 0, failed: 0, score: 1 });
    expect(quality.score).toBe(0.6);
  });
});
