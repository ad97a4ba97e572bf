/**
 * Polls `probe` every few milliseconds until it returns something other than undefined/false, and
 * resolves with that; rejects after `timeoutMs` with `description` in the message.
 */
export async function eventually<T>(
  probe: () => T | undefined | false,
  timeoutMs: number,
  description: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
