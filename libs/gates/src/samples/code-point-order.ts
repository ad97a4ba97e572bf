/**
 * Orders strings by UTF-16 code units, independent of the host's locale, so reports list patterns
 * and templates identically on every machine.
 */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
