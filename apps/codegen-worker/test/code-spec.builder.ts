import type { CodeSpecDto, SpecFunctionDto } from '@cogo/contracts';

/** Test fixtures: specs with sensible defaults, overridden where a test needs something else. */
export function specFunction(overrides: Partial<SpecFunctionDto> = {}): SpecFunctionDto {
  return {
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
      { args: [-1, 1], expected: 0 },
    ],
    ...overrides,
  };
}

export const reverseFunction = (overrides: Partial<SpecFunctionDto> = {}): SpecFunctionDto =>
  specFunction({
    name: 'reverse',
    description: 'Reverses a string.',
    params: [{ name: 's', type: 'string' }],
    returns: 'string',
    expression: "s.split('').reverse().join('')",
    examples: [
      { args: ['abc'], expected: 'cba' },
      { args: [''], expected: '' },
    ],
    ...overrides,
  });

export const maxFunction = (overrides: Partial<SpecFunctionDto> = {}): SpecFunctionDto =>
  specFunction({
    name: 'max',
    description: 'The largest number of a non-empty array.',
    params: [{ name: 'xs', type: 'number[]' }],
    returns: 'number',
    expression: 'Math.max(...xs)',
    examples: [
      { args: [[3, 9, 2]], expected: 9 },
      { args: [[-5]], expected: -5 },
    ],
    ...overrides,
  });

export function codeSpec(overrides: Partial<CodeSpecDto> = {}): CodeSpecDto {
  return {
    module: 'toolkit',
    description: 'Small helpers.',
    functions: [specFunction(), reverseFunction(), maxFunction()],
    ...overrides,
  };
}
