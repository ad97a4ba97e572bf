import { detectLanguage, isScriptLanguage } from './language.detector';

describe('detectLanguage', () => {
  it.each([
    ['src/main.ts', 'ts'],
    ['types/index.d.ts', 'ts'],
    ['esm.mts', 'ts'],
    ['cjs.cts', 'ts'],
    ['view.tsx', 'tsx'],
    ['lib/index.js', 'js'],
    ['component.jsx', 'jsx'],
    ['eslint.config.mjs', 'mjs'],
    ['jest.config.cjs', 'cjs'],
    ['package.json', 'json'],
    ['.eslintrc.json', 'json'],
    ['README.md', 'md'],
    ['docs/GUIDE.MD', 'md'],
    ['supabase/migrations/1_init.sql', 'sql'],
    ['k8s/deployment.yaml', 'yaml'],
    ['.github/workflows/ci.yml', 'yaml'],
    ['supabase/config.toml', 'toml'],
    ['scripts/run.sh', 'sh'],
    ['styles/site.css', 'css'],
    ['public/index.html', 'html'],
    ['public/old.htm', 'html'],
  ])('%s is %s', (path, language) => {
    expect(detectLanguage(path)).toBe(language);
  });

  it.each(['Dockerfile', '.gitignore', 'Makefile', 'image.png', 'archive.tar.gz', 'noext', 'dir.ts/file'])(
    '%s is other',
    (path) => {
      expect(detectLanguage(path)).toBe('other');
    },
  );
});

describe('isScriptLanguage', () => {
  it('is true for the languages the TypeScript parser reads, and only those', () => {
    expect(
      ['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs'].every((language) => isScriptLanguage(detectLanguage(`a.${language}`))),
    ).toBe(true);
    for (const language of ['json', 'md', 'sql', 'other', 'binary', 'large'] as const) {
      expect(isScriptLanguage(language)).toBe(false);
    }
  });
});
