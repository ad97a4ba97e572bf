/**
 * Whether a path of the build context is left out by a .dockerignore, per the Docker reference:
 * patterns are relative to the context root, `*` and `?` stay within one path segment, `**`
 * matches any number of segments, a pattern that matches a folder excludes what it contains,
 * `!` re-includes, and the last matching line wins.
 */
export function dockerIgnores(dockerignore: string, path: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (matchesPathOrParent(pattern, path)) ignored = !negated;
  }
  return ignored;
}

function matchesPathOrParent(pattern: string, path: string): boolean {
  const regex = globToRegex(pattern);
  const segments = path.split('/');
  return segments.some((_, index) => regex.test(segments.slice(0, index + 1).join('/')));
}

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '*' && pattern[index + 1] === '*') {
      // `**/` matches zero or more leading folders; a trailing `**` matches anything.
      if (pattern[index + 2] === '/') {
        source += '(?:.*/)?';
        index += 2;
      } else {
        source += '.*';
        index += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
