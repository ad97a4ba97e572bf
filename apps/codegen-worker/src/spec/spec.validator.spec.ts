import { InvalidSpecException } from '../errors/invalid-spec.exception';
import { codeSpec, maxFunction, specFunction } from '../../test/code-spec.builder';
import { fitsType, validateSpec } from './spec.validator';

function problemsOf(spec: Parameters<typeof validateSpec>[0]): string[] {
  try {
    validateSpec(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSpecException);
    return ((error as InvalidSpecException).getError().details as { problems: string[] }).problems;
  }
  return [];
}

describe(validateSpec.name, () => {
  it('accepts a spec whose examples fit its types', () => {
    expect(problemsOf(codeSpec())).toEqual([]);
  });

  it('reports every example whose values do not fit the declared types, together', () => {
    const spec = codeSpec({
      functions: [
        specFunction({
          examples: [
            { args: [1, '2'], expected: 3 },
            { args: [1], expected: 1 },
          ],
        }),
        maxFunction({ examples: [{ args: [[1, 'x']], expected: null }] }),
      ],
    });
    expect(problemsOf(spec)).toEqual([
      'function "add", example 1: argument 2 (b) must be a number, got "2" (a string)',
      'function "add", example 2: has 1 argument(s) but the function takes 2 (a, b)',
      'function "max", example 1: argument 1 (xs) must be a number[] array, got [1,"x"] (an array)',
      'function "max", example 1: expected must be a number (the return type), got null (null)',
    ]);
  });

  it('refuses reserved words and duplicate names', () => {
    const spec = codeSpec({
      functions: [
        specFunction({ name: 'class', examples: [{ args: [1, 2], expected: 3 }] }),
        specFunction({
          params: [
            { name: 'a', type: 'number' },
            { name: 'a', type: 'number' },
          ],
        }),
        specFunction({
          params: [
            { name: 'yield', type: 'number' },
            { name: 'b', type: 'number' },
          ],
        }),
      ],
    });
    expect(problemsOf(spec)).toEqual([
      'function "class": "class" is a reserved word; choose another name',
      'function "add": parameter "a" is declared twice',
      'function "add" is declared twice; function names must be unique',
      'function "add": parameter "yield" is a reserved word; choose another name',
    ]);
  });

  it('says how many problems there are and in which module', () => {
    expect(() => validateSpec(codeSpec({ functions: [specFunction({ name: '__proto__' })] }))).toThrow(
      /^The spec of module "toolkit" cannot be generated \(1 problem\): function "__proto__": "__proto__" is a reserved word/,
    );
  });
});

describe(fitsType.name, () => {
  it.each([
    [1.5, 'number', true],
    [Number.NaN, 'number', false],
    ['1', 'number', false],
    ['', 'string', true],
    [false, 'boolean', true],
    [[], 'string[]', true],
    [['a', 1], 'string[]', false],
    [[true], 'boolean[]', true],
    [null, 'number[]', false],
  ] as const)('%j fits %s: %s', (value, type, fits) => {
    expect(fitsType(value, type)).toBe(fits);
  });
});
