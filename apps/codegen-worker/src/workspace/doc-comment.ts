/**
 * Every JavaScript line terminator. U+2028 and U+2029 end a `//` comment just as a newline does,
 * so text from a spec must be split on them too, or it could continue as code.
 */
const LINE_TERMINATORS = /\r\n?|\n|\u2028|\u2029/g;

/** A JSDoc block from free text (a spec description). `*\/` in the text cannot end the comment early. */
export function docComment(text: string): string {
  const lines = text
    .replace(/\*\//g, '*\\/')
    .split(LINE_TERMINATORS)
    .map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return ['/**', ...lines.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */']
    .map((line) => `${line}\n`)
    .join('');
}

/** Free text as `//` comment lines, one per line of the text. */
export function lineComment(text: string): string {
  const lines = text.split(LINE_TERMINATORS).map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line === '' ? '//\n' : `// ${line}\n`)).join('');
}
