import { extname } from 'node:path';

/** Languages told apart by extension; anything else is `other`. */
export const SOURCE_LANGUAGES = [
  'ts',
  'tsx',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'json',
  'md',
  'sql',
  'yaml',
  'toml',
  'sh',
  'css',
  'html',
  'other',
] as const;

export type SourceLanguage = (typeof SOURCE_LANGUAGES)[number];

/**
 * What `code_files.language` holds: a source language, or why the file was not read as text —
 * `binary` (a NUL byte in its first 8 KB) or `large` (over the size limit).
 */
export type FileLanguage = SourceLanguage | 'binary' | 'large';

/** The languages whose symbols are extracted with the TypeScript parser. */
export type ScriptLanguage = Extract<SourceLanguage, 'ts' | 'tsx' | 'js' | 'jsx' | 'mjs' | 'cjs'>;

const BY_EXTENSION: Readonly<Record<string, SourceLanguage>> = {
  '.ts': 'ts',
  // ES-module and CommonJS TypeScript are still TypeScript to the parser.
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.jsx': 'jsx',
  '.mjs': 'mjs',
  '.cjs': 'cjs',
  '.json': 'json',
  '.md': 'md',
  '.markdown': 'md',
  '.sql': 'sql',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.sh': 'sh',
  '.bash': 'sh',
  '.css': 'css',
  '.html': 'html',
  '.htm': 'html',
};

/** The language of a file from its name alone (`a/b.d.ts` is `ts`; `Dockerfile` is `other`). */
export function detectLanguage(path: string): SourceLanguage {
  // Extensions are matched case-insensitively: `README.MD` is Markdown on every file system.
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'other';
}

export function isScriptLanguage(language: FileLanguage): language is ScriptLanguage {
  return (
    language === 'ts' ||
    language === 'tsx' ||
    language === 'js' ||
    language === 'jsx' ||
    language === 'mjs' ||
    language === 'cjs'
  );
}
