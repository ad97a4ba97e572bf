/** Specs used by the smoke checks, the acceptance workload and the README. */
export const MATH_SPEC = {
  module: 'math',
  description: 'Small arithmetic helpers',
  functions: [
    {
      name: 'add',
      params: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      returns: 'number',
      expression: 'a + b',
      examples: [
        { args: [1, 2], expected: 3 },
        { args: [-1, 1], expected: 0 },
      ],
    },
    {
      name: 'largest',
      params: [{ name: 'values', type: 'number[]' }],
      returns: 'number',
      expression: 'Math.max(...values)',
      examples: [{ args: [[3, 9, 4]], expected: 9 }],
    },
  ],
};

/** The example of `add` is wrong on purpose: the generated test fails, and so does the workflow. */
export const WRONG_EXAMPLE_SPEC = {
  module: 'wrong-math',
  functions: [
    {
      name: 'add',
      params: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      returns: 'number',
      expression: 'a + b',
      examples: [{ args: [2, 2], expected: 5 }],
    },
  ],
};
