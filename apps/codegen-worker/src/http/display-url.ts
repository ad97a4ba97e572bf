/**
 * A URL as it may appear in a log, an error message or a status report: scheme, host and path only.
 * Credentials (`user:password@`) and the query string (some providers take `?key=` there) are dropped.
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * `fetch` refuses URLs that carry credentials; they travel as a Basic `Authorization` header
 * instead, as a browser would send them.
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** `base` + `/path`, whether or not `base` ends in a slash; the query string of `base` is kept. */
export function joinUrl(base: string, path: string): string {
  const parsed = new URL(base);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return parsed.toString();
}
