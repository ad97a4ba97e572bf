/** Orders strings by UTF-16 code units, independent of the host's locale, so output is the same everywhere. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
