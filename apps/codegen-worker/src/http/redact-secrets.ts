/** Replaces every occurrence of each secret in `text`: for text an endpoint sent back, which may echo a key. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real keys are long.
    if (secret && secret.length >= 4) redacted = redacted.split(secret).join('[redacted]');
  }
  return redacted;
}

/** The first `max` characters of an endpoint's answer, on one line, for an error message. */
export function excerpt(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
