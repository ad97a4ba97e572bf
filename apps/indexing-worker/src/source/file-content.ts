/** How much of a file is searched for a NUL byte, as git does to call a file binary. */
const BINARY_PROBE_BYTES = 8 * 1024;

const NEWLINE = 0x0a;

/** A NUL byte in the first 8 KB: git's test for a binary file. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

/** Lines as an editor numbers them: a last line without a newline counts, an empty file has none. */
export function countLines(content: Buffer): number {
  let lines = 0;
  for (let at = content.indexOf(NEWLINE); at !== -1; at = content.indexOf(NEWLINE, at + 1)) lines++;
  return content.length > 0 && content[content.length - 1] !== NEWLINE ? lines + 1 : lines;
}
