import { EvaluationSetError } from '../errors/evaluation-set.error';
import type { EvaluationCase } from './evaluation-case';
import shippedSet from './intents.eval.json';
import { parseEvaluationSet } from './parse-evaluation-set';

function problemsOf(json: unknown): readonly string[] {
  try {
    parseEvaluationSet(json, 'test.eval.json');
  } catch (caught) {
    expect(caught).toBeInstanceOf(EvaluationSetError);
    return (caught as EvaluationSetError).problems;
  }
  throw new Error('expected parseEvaluationSet to throw');
}

describe(parseEvaluationSet.name, () => {
  describe('the labelled set kept in the repository', () => {
    const shipped = (): EvaluationCase[] => parseEvaluationSet(shippedSet);

    it('has at least 40 valid intents', () => {
      expect(shipped().length).toBeGreaterThanOrEqual(40);
    });

    it('covers both templates with clear intents, plus ambiguous and invalid ones', () => {
      const cases = shipped();
      const count = (predicate: (c: EvaluationCase) => boolean) => cases.filter(predicate).length;
      expect(count((c) => c.kind === 'clear' && c.expected === 'indexing')).toBeGreaterThanOrEqual(10);
      expect(count((c) => c.kind === 'clear' && c.expected === 'codeBuildTest')).toBeGreaterThanOrEqual(10);
      expect(count((c) => c.kind === 'ambiguous')).toBeGreaterThanOrEqual(5);
      expect(count((c) => c.kind === 'invalid')).toBeGreaterThanOrEqual(5);
    });

    it('includes an empty intent, gibberish and a harmful request, none with a template', () => {
      const byIntent = new Map(shipped().map((c) => [c.intent, c]));
      for (const intent of ['', 'asdf qwerty zxcv', 'delete the production database']) {
        expect(byIntent.get(intent)).toMatchObject({ kind: 'invalid', expected: null });
      }
    });
  });

  it('returns the entries typed, keeping a note when there is one', () => {
    expect(
      parseEvaluationSet([
        { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
        { intent: 'do the usual', expected: null, kind: 'ambiguous', note: 'no context' },
      ]),
    ).toEqual([
      { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
      { intent: 'do the usual', expected: null, kind: 'ambiguous', note: 'no context' },
    ]);
  });

  it('rejects a file that is not an array', () => {
    expect(problemsOf({ cases: [] })).toEqual(['the set must be a JSON array of entries, got an object']);
  });

  it('rejects an empty set', () => {
    expect(problemsOf([])).toEqual(['the set has no entries']);
  });

  it('names every bad entry by index and intent, all at once', () => {
    const problems = problemsOf([
      { intent: 'index the repo', expected: 'indexing', kind: 'clear' },
      { intent: 'write a parser', expected: 'codeBuildTest', kind: 'obvious' },
      { intent: 'build and test a queue', expected: null, kind: 'clear' },
      { intent: 'fix it', expected: 'codeBuildTest', kind: 'ambiguous' },
      { intent: 'ship it', expected: 'deploy', kind: 'clear' },
      { intent: 'index src', expected: 'indexing', kind: 'clear', label: 'x' },
      { expected: null, kind: 'invalid' },
      'index the repo',
      { intent: '', expected: null, kind: 'ambiguous' },
      { intent: 'refresh the index', expected: 'indexing', kind: 'clear', note: 3 },
    ]);
    expect(problems).toEqual([
      'entry 1 ("write a parser"): kind must be one of clear, ambiguous, invalid, got "obvious"',
      'entry 2 ("build and test a queue"): a clear intent must expect a template; label it ambiguous or invalid if none fits',
      'entry 3 ("fix it"): an ambiguous intent must expect null, got "codeBuildTest"',
      'entry 4 ("ship it"): expected must be one of indexing, codeBuildTest or null (ask for clarification / refuse), got "deploy"',
      'entry 5 ("index src"): unknown key "label" (allowed: intent, expected, kind, note)',
      'entry 6: intent must be a string, got nothing',
      'entry 7: must be an object {intent, expected, kind, note?}, got "index the repo"',
      'entry 8 (""): an empty intent can only be of kind invalid',
      'entry 9 ("refresh the index"): note must be a string when present, got 3',
    ]);
  });

  it('says how many problems there are and where to look', () => {
    expect(() => parseEvaluationSet([{ intent: 'x', expected: 'x', kind: 'x' }], 'test.eval.json')).toThrow(
      /^test\.eval\.json is not a valid evaluation set \(2 problems\):\n {2}- entry 0 \("x"\): kind must be/,
    );
  });

  it('rejects an intent listed twice, whatever its case and spacing', () => {
    expect(
      problemsOf([
        { intent: 'Index the repo', expected: 'indexing', kind: 'clear' },
        { intent: 'write a parser', expected: 'codeBuildTest', kind: 'clear' },
        { intent: '  index  the REPO ', expected: 'indexing', kind: 'clear' },
      ]),
    ).toEqual(['entry 2 ("  index  the REPO "): repeats the intent of entry 0; remove one of them']);
  });

  it('tells blank intents apart by their exact whitespace', () => {
    const blanks = ['', ' ', '\t'].map((intent) => ({ intent, expected: null, kind: 'invalid' }));
    expect(parseEvaluationSet(blanks)).toHaveLength(3);
    expect(problemsOf([...blanks, { intent: ' ', expected: null, kind: 'invalid' }])).toEqual([
      'entry 3 (" "): repeats the intent of entry 1; remove one of them',
    ]);
  });

  it('shortens a long intent in the message', () => {
    const intent = 'a'.repeat(80);
    expect(problemsOf([{ intent, expected: null, kind: 'clear' }])[0]).toContain(`("${'a'.repeat(57)}...")`);
  });
});
