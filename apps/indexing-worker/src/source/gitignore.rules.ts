import ignore from 'ignore';

/** Glob characters that a directory name must not contribute to a pattern, and the comment/negation markers. */
const SPECIAL = /[\\*?[\]!#]/g;

/**
 * The `.gitignore` rules in force in one directory of a walk, with git's semantics: a pattern
 * is relative to the directory of the `.gitignore` that holds it; a deeper file overrides a
 * shallower one (`!keep.log` in `a/.gitignore` re-includes what the root's `*.log` excluded);
 * within one file the last matching pattern wins; and nothing inside an excluded directory can
 * be re-included (the walk never enters one).
 *
 * The `ignore` package matches the patterns of one file against paths relative to that file.
 * Asked about a path with the rules of several files, it would also let a shallower file
 * exclude a directory that a deeper file re-included. So each nested file's patterns are
 * rewritten relative to the root of the walk (`*.log` in `a/` becomes `a/**\/*.log`, `/x` becomes
 * `a/x`) and appended after its ancestors' patterns: one matcher then answers exactly as git.
 */
export class GitignoreRules {
  private constructor(private readonly matcher: ignore.Ignore) {}

  /** No rules: nothing is ignored. */
  static none(): GitignoreRules {
    // Case-sensitive, as git is on the case-sensitive file systems this worker runs on.
    return new GitignoreRules(ignore({ ignorecase: false }));
  }

  /**
   * These rules plus the `.gitignore` of `directory` (relative to the root of the walk,
   * '/'-separated, '' for the root itself), whose text is `content`.
   */
  with(directory: string, content: string): GitignoreRules {
    const patterns = content.split(/\r?\n/).flatMap((line) => rebase(line, directory));
    if (patterns.length === 0) return this;
    return new GitignoreRules(ignore({ ignorecase: false }).add(this.matcher).add(patterns));
  }

  /** Whether the file or directory at `path` (relative to the root, '/'-separated) is ignored. */
  ignores(path: string, isDirectory: boolean): boolean {
    // A trailing slash lets directory-only patterns (`build/`) match.
    return this.matcher.ignores(isDirectory ? `${path}/` : path);
  }
}

/** One line of the `.gitignore` in `directory`, as the same pattern relative to the root; [] for none. */
function rebase(line: string, directory: string): string[] {
  if (line.trim() === '' || line.startsWith('#')) return [];
  if (directory === '') return [line];
  const negative = line.startsWith('!');
  const body = negative ? line.slice(1) : line;
  // `!` or `/` alone matches nothing in git; rebased, it would match the whole directory.
  if (body.replace(/\//g, '').trim() === '') return [];
  // A slash at the start or in the middle anchors a pattern to its .gitignore's directory; a
  // pattern without one (a trailing slash aside) matches at any depth below it.
  const anchored = body.trimEnd().replace(/\/$/, '').includes('/');
  const prefix = directory.replace(SPECIAL, '\\$&');
  const rebased = anchored ? `${prefix}/${body.replace(/^\//, '')}` : `${prefix}/**/${body}`;
  return [negative ? `!${rebased}` : rebased];
}
