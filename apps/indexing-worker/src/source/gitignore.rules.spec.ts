import { GitignoreRules } from './gitignore.rules';

describe(GitignoreRules.name, () => {
  it('ignores nothing without rules', () => {
    expect(GitignoreRules.none().ignores('anything.log', false)).toBe(false);
  });

  it('reads a root .gitignore as git does: comments, blank lines, globs, negation, directory-only patterns', () => {
    const rules = GitignoreRules.none().with('', '# comment\n\n*.log\n!keep.log\nbuild/\n/top.txt\n');
    expect(rules.ignores('debug.log', false)).toBe(true);
    expect(rules.ignores('deep/er/debug.log', false)).toBe(true);
    expect(rules.ignores('keep.log', false)).toBe(false);
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('src/build', true)).toBe(true);
    expect(rules.ignores('build', false)).toBe(false); // a file named build is not a directory
    expect(rules.ignores('top.txt', false)).toBe(true);
    expect(rules.ignores('src/top.txt', false)).toBe(false); // anchored by its leading slash
    expect(rules.ignores('# comment', false)).toBe(false);
  });

  it('matches a nested .gitignore relative to its own directory', () => {
    const rules = GitignoreRules.none().with('packages/app', 'out/\n/local.txt\ndocs/*.tmp\n');
    expect(rules.ignores('packages/app/out', true)).toBe(true);
    expect(rules.ignores('packages/app/src/out', true)).toBe(true);
    expect(rules.ignores('out', true)).toBe(false);
    expect(rules.ignores('packages/out', true)).toBe(false);
    expect(rules.ignores('packages/app/local.txt', false)).toBe(true);
    expect(rules.ignores('packages/app/src/local.txt', false)).toBe(false);
    expect(rules.ignores('packages/app/docs/a.tmp', false)).toBe(true);
    expect(rules.ignores('packages/app/src/docs/a.tmp', false)).toBe(false);
  });

  it('lets a deeper .gitignore override a shallower one, both ways', () => {
    const rules = GitignoreRules.none()
      .with('', '*.log\ngenerated/\n')
      .with('a', '!keep.log\n!generated/\nsecret.txt\n');
    expect(rules.ignores('a/keep.log', false)).toBe(false);
    expect(rules.ignores('a/b/keep.log', false)).toBe(false);
    expect(rules.ignores('keep.log', false)).toBe(true);
    expect(rules.ignores('a/other.log', false)).toBe(true);
    expect(rules.ignores('a/generated', true)).toBe(false);
    expect(rules.ignores('a/generated/x.ts', false)).toBe(false);
    expect(rules.ignores('generated', true)).toBe(true);
    expect(rules.ignores('a/secret.txt', false)).toBe(true);
    expect(rules.ignores('secret.txt', false)).toBe(false);
  });

  it('does not re-include a file inside an excluded directory', () => {
    const rules = GitignoreRules.none().with('', 'logs/\n!logs/keep.log\n');
    expect(rules.ignores('logs', true)).toBe(true);
    expect(rules.ignores('logs/keep.log', false)).toBe(true);
  });

  it('treats glob characters in a directory name literally', () => {
    const rules = GitignoreRules.none().with('[draft]*#1', 'x.txt\n');
    expect(rules.ignores('[draft]*#1/x.txt', false)).toBe(true);
    expect(rules.ignores('d/x.txt', false)).toBe(false);
    expect(rules.ignores('[draft]abc#1/x.txt', false)).toBe(false);
  });

  it('is case-sensitive, as git is on Linux', () => {
    const rules = GitignoreRules.none().with('', '*.LOG\n');
    expect(rules.ignores('a.LOG', false)).toBe(true);
    expect(rules.ignores('a.log', false)).toBe(false);
  });

  it('ignores a lone "!" or "/" instead of matching the whole directory', () => {
    const rules = GitignoreRules.none().with('', '*.log\n').with('a', '!\n/\n');
    expect(rules.ignores('a/x.log', false)).toBe(true);
    expect(rules.ignores('a/x.ts', false)).toBe(false);
  });

  it('reads Windows line endings', () => {
    const rules = GitignoreRules.none().with('a', 'tmp\r\n*.bak\r\n');
    expect(rules.ignores('a/tmp', true)).toBe(true);
    expect(rules.ignores('a/x.bak', false)).toBe(true);
  });
});
