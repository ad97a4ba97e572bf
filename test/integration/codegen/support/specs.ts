import type { CodeSpecDto } from '@cogo/contracts';

/** Specs for the integration tests, as a caller would send them over the bus (plain JSON). */
export const toolkitSpec = (): CodeSpecDto => ({
  module: 'toolkit',
  description: 'Small helpers.',
  functions: [
    {
      name: 'add',
      description: 'Adds two numbers.',
      params: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'number' },
      ],
      returns: 'number',
      expression: 'a + b',
      examples: [
        { args: [1, 2], expected: 3 },
        { args: [-4, 4], expected: 0 },
      ],
    },
    {
      name: 'reverse',
      description: 'Reverses a string.',
      params: [{ name: 's', type: 'string' }],
      returns: 'string',
      expression: "s.split('').reverse().join('')",
      examples: [
        { args: ['abc'], expected: 'cba' },
        { args: [''], expected: '' },
      ],
    },
    {
      name: 'max',
      description: 'The largest number of a non-empty array.',
      params: [{ name: 'xs', type: 'number[]' }],
      returns: 'number',
      expression: 'Math.max(...xs)',
      examples: [{ args: [[3, 9, 2]], expected: 9 }],
    },
    {
      name: 'evens',
      params: [{ name: 'xs', type: 'number[]' }],
      returns: 'number[]',
      expression: 'xs.filter((x) => x % 2 === 0)',
      examples: [{ args: [[1, 2, 3, 4]], expected: [2, 4] }],
    },
  ],
});

/** A correct implementation with one wrong example: it compiles, and exactly that test fails. */
export const wrongExampleSpec = (): CodeSpecDto => ({
  module: 'wrong',
  functions: [
    {
      name: 'double',
      params: [{ name: 'n', type: 'number' }],
      returns: 'number',
      expression: 'n * 2',
      examples: [
        { args: [2], expected: 4 },
        { args: [3], expected: 7 },
      ],
    },
  ],
});

/** Functions without expressions, for the llm and cogo-worker generators to write. */
export const openSpec = (): CodeSpecDto => ({
  module: 'open',
  functions: [
    {
      name: 'square',
      description: 'n times n',
      params: [{ name: 'n', type: 'number' }],
      returns: 'number',
      examples: [
        { args: [3], expected: 9 },
        { args: [-2], expected: 4 },
      ],
    },
    {
      name: 'shout',
      description: 'upper case with an exclamation mark',
      params: [{ name: 's', type: 'string' }],
      returns: 'string',
      examples: [{ args: ['hi'], expected: 'HI!' }],
    },
  ],
});
