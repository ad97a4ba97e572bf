/**
 * The error text of an endpoint's error body in the usual shapes — OpenAI `{"error":{"message"}}`,
 * FastAPI `{"detail"}`, plain `{"error"}` / `{"message"}` — or the body itself.
 */
export function errorExplanation(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      const nested = record.error;
      if (typeof nested === 'object' && nested !== null) {
        const message = (nested as Record<string, unknown>).message;
        if (typeof message === 'string') return message;
      }
      for (const key of ['error', 'detail', 'message'] as const) {
        const value = record[key];
        if (typeof value === 'string') return value;
      }
    }
  } catch {
    // Not JSON: the text itself is the best explanation there is.
  }
  return body;
}
