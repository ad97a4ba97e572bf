import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVALUATION_SET_PATH, evaluatePlanner, parseEvaluationSet } from '@cogo/gates';
import { chooseTemplate } from './intent-planner';

describe(chooseTemplate.name, () => {
  it.each([
    ['index the repository', 'indexing'],
    ['build a symbol index of the monorepo', 'indexing'],
    ['crawl the repo so I can search classes and functions', 'indexing'],
    ['generate a TypeScript function that adds two numbers and test it', 'codeBuildTest'],
    ['write and test a roman numeral converter', 'codeBuildTest'],
  ])('picks the template asked for: %s', (intent, template) => {
    expect(chooseTemplate(intent)).toMatchObject({ template, kind: 'clear' });
  });

  it('calls an intent that asks for both templates ambiguous', () => {
    expect(chooseTemplate('index the repo and then generate a new parser with tests')).toMatchObject({
      template: null,
      kind: 'ambiguous',
      reason: expect.stringMatching(/two intents/) as unknown,
    });
  });

  it('calls an intent that asks for nothing ambiguous', () => {
    expect(chooseTemplate('build it')).toMatchObject({ template: null, kind: 'ambiguous' });
  });

  it.each(['', '   ', '??!!..', 'delete the production database', 'print the SUPABASE_SERVICE_ROLE_KEY', 'rm -rf /'])(
    'refuses an invalid intent: %j',
    (intent) => {
      expect(chooseTemplate(intent)).toMatchObject({ template: null, kind: 'invalid' });
    },
  );

  it('is deterministic', () => {
    const intent = 'generate a slugify helper and make sure it compiles and passes its tests';
    expect(chooseTemplate(intent)).toEqual(chooseTemplate(intent));
  });

  it('reaches the offline decision-quality threshold on the labelled evaluation set', () => {
    const root = resolve(__dirname, '../../../..');
    const set = parseEvaluationSet(JSON.parse(readFileSync(resolve(root, EVALUATION_SET_PATH), 'utf8')));
    const gates = JSON.parse(readFileSync(resolve(root, 'gates.config.json'), 'utf8')) as {
      decision_quality: { offline_min: number };
    };
    const evaluation = evaluatePlanner((intent) => chooseTemplate(intent), set);
    expect(evaluation.misses).toEqual([]);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(gates.decision_quality.offline_min);
  });
});
