import { LabelBudget, OTHER_LABEL } from './label-budget';

describe(LabelBudget.name, () => {
  it('admits values until the limit, keeps admitting those it knows, and maps the rest to other', () => {
    const budget = new LabelBudget(2);
    expect(['a.one', 'b.two', 'c.three', 'a.one', 'b.two'].map((value) => budget.admit(value))).toEqual([
      'a.one',
      'b.two',
      OTHER_LABEL,
      'a.one',
      'b.two',
    ]);
    expect(budget.size).toBe(2);
  });

  it.each([
    ['a uuid', 'reply.3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b'],
    ['a trace id', 'trace.4bf92f3577b34da6a3ce929d0e0e4736'],
    ['a span id', '00f067aa0ba902b7'],
    ['an overlong value', 'x'.repeat(101)],
  ])('never admits %s, and does not spend budget on it', (_, value) => {
    const budget = new LabelBudget(5);
    expect(budget.admit(value)).toBe(OTHER_LABEL);
    expect(budget.size).toBe(0);
  });

  it('admits ordinary pattern names, including wildcards and short numbers', () => {
    const budget = new LabelBudget(5);
    for (const value of ['codegen.generate', 'index.*', 'v2.build-test:compile']) {
      expect(budget.admit(value)).toBe(value);
    }
  });
});
