import { TEMPLATES, resolveStepInput } from './workflow-templates';

const spec = {
  module: 'math',
  functions: [
    {
      name: 'add',
      params: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      returns: 'number',
      expression: 'a + b',
      examples: [{ args: [1, 2], expected: 3 }],
    },
  ],
};

describe('workflow templates', () => {
  it('plans codeBuildTest as generate -> compile -> test, compile and test fed by the generated workspace', () => {
    expect(TEMPLATES.codeBuildTest.steps({ spec })).toEqual([
      { name: 'generate', capability: 'codegen.generate', input: { spec } },
      { name: 'compile', capability: 'build.compile', input: { workspace: { $from: 'generate.workspace' } } },
      { name: 'test', capability: 'test.run', input: { workspace: { $from: 'generate.workspace' } } },
    ]);
  });

  it('names every problem of a bad codeBuildTest input by its field', () => {
    const problems = TEMPLATES.codeBuildTest.validate({
      spec: { module: 'Bad Name', functions: [{ name: '1x' }] },
      extra: 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'extra: property extra should not exist',
        expect.stringMatching(/^spec\.module: module must be lowercase/) as unknown,
        expect.stringMatching(/^spec\.functions\.0\.name: name must be a TypeScript identifier/) as unknown,
      ]),
    );
  });

  it('accepts a good indexing input and refuses one without a root', () => {
    expect(TEMPLATES.indexing.validate({ root: '/repo' })).toEqual([]);
    expect(TEMPLATES.indexing.validate({})).toEqual(
      expect.arrayContaining([expect.stringMatching(/^root: /) as unknown]),
    );
  });
});

describe(resolveStepInput.name, () => {
  it('replaces $from references with the named step output, deeply', () => {
    const outputs = new Map<string, unknown>([['generate', { workspace: 'abc/math', files: [] }]]);
    expect(
      resolveStepInput({ workspace: { $from: 'generate.workspace' }, list: [{ $from: 'generate.files' }] }, outputs),
    ).toEqual({
      workspace: 'abc/math',
      list: [[]],
    });
  });

  it('says which reference is missing', () => {
    expect(() => resolveStepInput({ workspace: { $from: 'generate.workspace' } }, new Map())).toThrow(
      'step input refers to generate.workspace, which the earlier steps did not produce',
    );
  });
});
