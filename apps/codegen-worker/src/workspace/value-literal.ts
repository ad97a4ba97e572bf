/**
 * A JSON example value as TypeScript source. Like `JSON.stringify`, except that `-0` stays `-0`:
 * the tests compare with deep strict equality, which tells `-0` and `0` apart.
 */
export function valueLiteral(value: unknown): string {
  if (Object.is(value, -0)) return '-0';
  if (Array.isArray(value)) return `[${value.map(valueLiteral).join(', ')}]`;
  return JSON.stringify(value);
}
