import { countLines, isBinary } from './file-content';

describe('countLines', () => {
  it.each([
    ['', 0],
    ['one', 1],
    ['one\n', 1],
    ['one\ntwo', 2],
    ['one\ntwo\n', 2],
    ['\n', 1],
    ['\n\n\n', 3],
    ['a\r\nb\r\n', 2],
  ])('%j has %i line(s)', (text, lines) => {
    expect(countLines(Buffer.from(text))).toBe(lines);
  });
});

describe('isBinary', () => {
  it('is true for a NUL byte in the first 8 KB', () => {
    expect(isBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]))).toBe(true);
    expect(isBinary(Buffer.concat([Buffer.alloc(8191, 'a'), Buffer.from([0])]))).toBe(true);
  });

  it('is false for text, and for a NUL byte after the first 8 KB', () => {
    expect(isBinary(Buffer.from('export const a = "é";\n'))).toBe(false);
    expect(isBinary(Buffer.alloc(0))).toBe(false);
    expect(isBinary(Buffer.concat([Buffer.alloc(8192, 'a'), Buffer.from([0])]))).toBe(false);
  });
});
