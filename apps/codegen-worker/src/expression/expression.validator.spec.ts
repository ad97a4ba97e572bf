import type { ExpressionScope } from './expression.validator';
import { validateExpression } from './expression.validator';

const scope: ExpressionScope = {
  parameters: [
    { name: 's', type: 'string' },
    { name: 'xs', type: 'number[]' },
    { name: 'n', type: 'number' },
    { name: 'flag', type: 'boolean' },
  ],
  functions: ['fib', 'helper'],
};

describe(validateExpression.name, () => {
  describe('allows', () => {
    it.each([
      ['arithmetic on parameters', 'n * 2 + 1'],
      ['a method chain on a parameter', "s.split('').reverse().join('')"],
      ['Math members and spread', 'Math.max(...xs)'],
      ['Math constants', 'Math.PI * n ** 2'],
      ['a conditional expression', 'flag ? s.toUpperCase() : s'],
      ['arrow functions with expression bodies', 'xs.reduce((total, x) => total + x, 0)'],
      ['annotated arrow parameters', 'xs.map((x: number) => x * 2)'],
      ['array literals with spread', '[...xs, n]'],
      ['object literals with shorthand and spread', "({ s, n, ...{ kind: 'x' } })"],
      ['template literals over parameters', '`${s}-${n}`'],
      ['regular expression literals', "s.replace(/a+/g, '-')"],
      ['a numeric literal index', 'xs[0]'],
      ['a number parameter as index', 'xs[n]'],
      ['arithmetic as index', 'xs[xs.length - 1]'],
      ['a coerced callback parameter as index', 'xs.map((x, i) => xs[+i] + x)'],
      ['a harmless string-literal index', "s['length']"],
      ['optional chaining', 'xs?.at(-1) ?? 0'],
      ['calls to the module functions (recursion)', 'n <= 1 ? n : fib(n - 1) + fib(n - 2)'],
      ['constant globals', 'n === undefined ? NaN : Infinity'],
      ['typeof', "typeof s === 'string'"],
      ['comparison and logic', 'n >= 0 && !flag || s.length > 2'],
      ['a trailing semicolon, dropped', 'n + 1;'],
    ])('%s: %s', (_what, expression) => {
      expect(validateExpression(expression, scope)).toEqual({ ok: true, expression: expression.replace(/;$/, '') });
    });

    it('trims the expression it returns', () => {
      expect(validateExpression('  n + 1 ;  ', scope)).toEqual({ ok: true, expression: 'n + 1' });
    });
  });

  describe('refuses', () => {
    it.each([
      ['process', 'process.exit(1)', 'process'],
      ['require', "require('fs')", 'require'],
      ['globalThis', 'globalThis', 'globalThis'],
      ['eval', "eval('1')", 'eval'],
      ['Function', "Function('return 1')()", 'Function'],
      ['a constructor path', "s.constructor.constructor('return process')()", 'constructor'],
      ['__proto__', 'xs.__proto__', '__proto__'],
      ['a string-literal index to constructor', "s['constructor']", 'constructor'],
      ['a template-literal index to constructor', 's[`constructor`]', 'constructor'],
      ['a computed string index', "xs['con' + 'structor']", "'con' + 'structor'"],
      ['a string parameter as index', 'xs[s]', 's'],
      ['an uncoerced callback parameter as index', "s.split(',').map((k) => xs[k])", 'k'],
      ['a __proto__ key', '({ __proto__: xs })', '__proto__'],
      ['a computed key', '({ [s]: 1 })', '[s]'],
      ['Math on its own', 'Math', 'Math'],
      ['a member of Math that leads to Function', 'Math.constructor', 'constructor'],
      ['an unknown function', 'parseInt(s)', 'parseInt'],
      ['new', 'new Array(n)', 'new Array(n)'],
      ['this', 'this', 'this'],
      ['assignment', 'n = 1', '='],
      ['compound assignment', 'n += 1', '+='],
      ['increment', 'n++', 'n++'],
      ['the comma operator', '(n, s)', ','],
      ['a statement', 'return n', 'return'],
      ['two statements', 'n; s', ';'],
      ['an escape from the parentheses', 'n), (process', 'n), (process'],
      ['a trailing line comment that hides the closing parenthesis', 'n // why', 'end of expression'],
      ['a function expression', 'xs.map(function (x) { return x; })', 'function (x) { return x; }'],
      ['an arrow function with a block body', 'xs.map((x) => { return x; })', '(x) => { return x; }'],
      ['an async arrow function', 'xs.map(async (x) => x)', 'async (x) => x'],
      ['a destructuring parameter', 'xs.map(({ length }) => length)', '{ length }'],
      ['a tagged template', 'helper`x`', 'helper`x`'],
      ['a type assertion', 'n as any', 'n as any'],
      ['delete', 'delete xs[0]', 'delete xs[0]'],
      ['await', 'await n', 'await n'],
      ['dynamic import', "import('fs')", 'import'],
      ['a getter in an object literal', '({ get x() { return 1; } })', 'get x() { return 1; }'],
      ['an empty expression', '   ', ''],
    ])('%s: %s', (_what, expression, token) => {
      const check = validateExpression(expression, scope);
      expect(check.ok).toBe(false);
      expect(check).toMatchObject({ token });
    });

    it('explains an unknown identifier by listing what may be used', () => {
      expect(validateExpression('process.env', scope)).toEqual({
        ok: false,
        token: 'process',
        reason: expect.stringMatching(/"process" is not a parameter of this function; .*\(s, xs, n, flag\)/) as string,
      });
    });

    it('treats a callback parameter that shadows a number parameter as possibly a string', () => {
      expect(validateExpression("s.split(',').map((n) => xs[n])", scope)).toMatchObject({ ok: false, token: 'n' });
    });

    it('refuses expressions longer than 2000 characters', () => {
      expect(validateExpression(`n${' + 1'.repeat(500)}`, scope)).toMatchObject({
        ok: false,
        reason: 'it is longer than 2000 characters',
      });
    });
  });
});
