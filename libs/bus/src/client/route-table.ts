/**
 * Finds the consumer group for a pattern: an exact entry first, then the longest `prefix.*`
 * entry that matches, then a catch-all `*`.
 */
export function resolveRoute(routes: Readonly<Record<string, string>>, pattern: string): string | undefined {
  if (routes[pattern]) return routes[pattern];
  let best: { prefix: string; group: string } | undefined;
  for (const [route, group] of Object.entries(routes)) {
    if (!route.endsWith('*') || route === '*') continue;
    const prefix = route.slice(0, -1);
    if (pattern.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { prefix, group };
  }
  return best?.group ?? routes['*'];
}
