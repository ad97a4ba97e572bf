import type { EvaluationCase } from './evaluation-case';
import { evaluatePlanner, type Planner } from './evaluate-planner';

/** Picks `indexing` for any mention of "index", else `codeBuildTest` for "test", else asks. */
const keywordPlanner: Planner = (intent) => ({
  template: intent.includes('index') ? 'indexing' : intent.includes('test') ? 'codeBuildTest' : null,
});

const evaluationSet: EvaluationCase[] = [
  { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
  { intent: 'write a sum function and test it', expected: 'codeBuildTest', kind: 'clear' },
  { intent: 'rebuild the code index', expected: 'indexing', kind: 'clear' },
  { intent: 'make it better', expected: null, kind: 'ambiguous' },
  { intent: 'index and test everything', expected: null, kind: 'ambiguous', note: 'two templates at once' },
  { intent: '', expected: null, kind: 'invalid' },
];

describe(evaluatePlanner.name, () => {
  const evaluation = evaluatePlanner(keywordPlanner, evaluationSet);

  it('scores the share of exact template matches', () => {
    expect(evaluation).toMatchObject({ cases: 6, correct: 5, errors: 0, accuracy: 5 / 6 });
  });

  it('scores each kind of intent', () => {
    expect(evaluation.byKind).toEqual({
      clear: { cases: 3, correct: 3, accuracy: 1 },
      ambiguous: { cases: 2, correct: 1, accuracy: 0.5 },
      invalid: { cases: 1, correct: 1, accuracy: 1 },
    });
  });

  it('lists the confusion of every (expected, predicted) pair, templates first and "no template" last', () => {
    expect(evaluation.confusion).toEqual([
      { expected: 'codeBuildTest', predicted: 'codeBuildTest', count: 1 },
      { expected: 'indexing', predicted: 'indexing', count: 2 },
      { expected: null, predicted: 'indexing', count: 1 },
      { expected: null, predicted: null, count: 2 },
    ]);
  });

  it('gives recall and precision per template', () => {
    expect(evaluation.perTemplate).toEqual([
      { template: 'codeBuildTest', expected: 1, predicted: 1, correct: 1, recall: 1, precision: 1 },
      { template: 'indexing', expected: 2, predicted: 3, correct: 2, recall: 1, precision: 2 / 3 },
      { template: null, expected: 3, predicted: 2, correct: 2, recall: 2 / 3, precision: 1 },
    ]);
  });

  it('lists the misses with their note', () => {
    expect(evaluation.misses).toEqual([
      {
        intent: 'index and test everything',
        kind: 'ambiguous',
        expected: null,
        predicted: 'indexing',
        note: 'two templates at once',
      },
    ]);
  });

  it('ignores whatever else the planner returns', () => {
    const planWithSteps = (intent: string) => ({ ...keywordPlanner(intent), steps: ['codegen', 'build', 'test'] });
    expect(evaluatePlanner(planWithSteps, evaluationSet).accuracy).toBe(5 / 6);
  });

  it('counts a planner that throws as a miss, even where no template was expected', () => {
    const throwing: Planner = (intent) => {
      if (intent === '') throw new Error('intent must not be empty');
      return keywordPlanner(intent);
    };
    const result = evaluatePlanner(throwing, evaluationSet);
    expect(result).toMatchObject({ correct: 4, errors: 1, accuracy: 4 / 6 });
    expect(result.misses).toContainEqual({
      intent: '',
      kind: 'invalid',
      expected: null,
      predicted: null,
      error: 'intent must not be empty',
    });
    expect(result.confusion).toContainEqual({ expected: null, predicted: null, count: 1 });
  });

  it('has no accuracy, not an accuracy of 0, for an empty set', () => {
    expect(evaluatePlanner(keywordPlanner, [])).toEqual({
      cases: 0,
      correct: 0,
      errors: 0,
      accuracy: null,
      byKind: {
        clear: { cases: 0, correct: 0, accuracy: null },
        ambiguous: { cases: 0, correct: 0, accuracy: null },
        invalid: { cases: 0, correct: 0, accuracy: null },
      },
      perTemplate: [],
      confusion: [],
      misses: [],
    });
  });

  it('scores a single case', () => {
    const single: EvaluationCase[] = [{ intent: 'index src', expected: 'indexing', kind: 'clear' }];
    expect(evaluatePlanner(keywordPlanner, single).accuracy).toBe(1);
    expect(evaluatePlanner(() => ({ template: null }), single).accuracy).toBe(0);
  });
});
