/** What replaces the whole value of a secret-named field. */
export const REDACTED = '[REDACTED]';

/** What replaces the secret part of a text, keeping the rest readable (`postgres://cogo:***@host`). */
export const MASK = '***';

/**
 * Field names whose values are secrets, compared lower-case without `_`, `-` or spaces, so
 * `apiKey`, `api_key`, `X-Api-Key` and `LLM_API_KEY` are one name. `token` matches only at the
 * end (`accessToken`, `x-auth-token`) so token counts (`prompt_tokens`) stay visible.
 */
const SECRET_FIELD =
  /password|passwd|passphrase|^pwd$|secret|token$|authorization|apikey|servicerolekey|cookie|privatekey|accesskey|credential/;

/** The same names in text (`password=…`, `"apiKey": "…"`, `SUPABASE_SERVICE_ROLE_KEY=…`), ending the name. */
const SECRET_NAME_IN_TEXT =
  '[A-Za-z0-9_-]*(?:password|passwd|passphrase|pwd|secret|secret[_-]?key|token|api[_-]?key|service[_-]?role[_-]?key|authorization|cookie|private[_-]?key|access[_-]?key)';

interface TextRule {
  readonly pattern: RegExp;
  readonly replacement: string;
}

/** Secrets recognisable by their shape, applied in this order to every text that is logged. */
const TEXT_RULES: readonly TextRule[] = [
  {
    // PEM private keys, whole.
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replacement: `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
  {
    // The password of a URL: postgres://user:password@host, https://user:password@host.
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*):[^\s@/?#]*@/gi,
    replacement: `$1:${MASK}@`,
  },
  { pattern: /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, replacement: `$1 ${MASK}` },
  // JWTs (Supabase anon and service-role keys among them): header.payload.signature, base64url.
  { pattern: /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, replacement: MASK },
  { pattern: /\bsb_(secret|publishable)_[A-Za-z0-9_-]+/g, replacement: `sb_$1_${MASK}` },
  // OpenAI-style API keys.
  { pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replacement: `sk-${MASK}` },
  {
    // name=value, name: value, "name":"value" — the value may be preceded by an auth scheme.
    pattern: new RegExp(
      `\\b(${SECRET_NAME_IN_TEXT})(?![A-Za-z0-9])(["']?\\s*[:=]\\s*["']?)(?:(?:Bearer|Basic|Digest|Token)\\s+)?[^\\s"',;&}]+`,
      'gi',
    ),
    replacement: `$1$2${MASK}`,
  },
];

/** Shorter values would mask ordinary words; real keys and generated passwords are longer. */
const MIN_KNOWN_SECRET_LENGTH = 6;
const MAX_DEPTH = 10;
const UNSERIALIZABLE = '[Unserializable]';

/**
 * Removes secrets from anything about to be logged: values of secret-named fields at any depth
 * become `[REDACTED]`; inside every text (messages, error messages and stacks, field values)
 * secrets recognisable by shape and the known secret values of this process are masked.
 *
 * It works on a copy: the caller's objects are never changed. Errors become plain objects
 * (`type`, `message`, `stack`, `code`, own fields, `cause`), since their text is what leaks.
 */
export class SecretRedactor {
  private readonly knownSecrets: readonly string[];

  /** @param knownSecrets this process's secret values (API keys, the database password), masked wherever they appear. */
  constructor(knownSecrets: readonly (string | undefined | null)[] = []) {
    const values = new Set<string>();
    for (const secret of knownSecrets) {
      if (!secret || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
      values.add(secret);
      values.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret that contains another is masked whole.
    this.knownSecrets = [...values].sort((a, b) => b.length - a.length);
  }

  redactText(text: string): string {
    let redacted = text;
    for (const secret of this.knownSecrets) redacted = redacted.split(secret).join(MASK);
    for (const rule of TEXT_RULES) redacted = redacted.replace(rule.pattern, rule.replacement);
    return redacted;
  }

  /** A JSON-ready copy of `value` without secrets. */
  redactValue(value: unknown): unknown {
    return this.copy(value, 0, new Set());
  }

  /** `redactValue` for the fields of one log line. */
  redactFields(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return this.copyObject(fields, 0, new Set());
  }

  private copy(value: unknown, depth: number, ancestors: Set<object>): unknown {
    switch (typeof value) {
      case 'string':
        return this.redactText(value);
      case 'bigint':
        return value.toString();
      case 'function':
      case 'symbol':
        return undefined;
      case 'undefined':
      case 'number':
      case 'boolean':
        return value;
      case 'object':
        break;
    }
    if (value === null) return null;
    if (ancestors.has(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    ancestors.add(value);
    try {
      if (value instanceof Error) return this.copyError(value, depth, ancestors);
      if (Array.isArray(value)) return value.map((item) => this.copy(item, depth + 1, ancestors));
      if (value instanceof Map) {
        const entries = [...(value as Map<unknown, unknown>)].map(([key, item]) => [String(key), item] as const);
        return this.copyObject(Object.fromEntries(entries), depth, ancestors);
      }
      if (value instanceof Set) return [...value].map((item) => this.copy(item, depth + 1, ancestors));
      const withJson = value as { toJSON?: unknown };
      // URL, Decimal and the like say how they want to be serialized; redact what they say.
      if (typeof withJson.toJSON === 'function') {
        return this.copy((withJson.toJSON as () => unknown).call(value), depth + 1, ancestors);
      }
      return this.copyObject(value as Record<string, unknown>, depth, ancestors);
    } catch {
      // A getter or toJSON that throws: logging must never make the caller fail.
      return UNSERIALIZABLE;
    } finally {
      ancestors.delete(value);
    }
  }

  private copyObject(object: Readonly<Record<string, unknown>>, depth: number, ancestors: Set<object>) {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      copy[key] = isSecretField(key) ? REDACTED : this.copy(value, depth + 1, ancestors);
    }
    return copy;
  }

  private copyError(error: Error, depth: number, ancestors: Set<object>): Record<string, unknown> {
    const copy: Record<string, unknown> = {
      type: error.name,
      message: this.redactText(error.message),
      ...this.copyObject(error as unknown as Record<string, unknown>, depth, ancestors),
    };
    if (error.stack !== undefined) copy.stack = this.redactText(error.stack);
    if (error.cause !== undefined) copy.cause = this.copy(error.cause, depth + 1, ancestors);
    return copy;
  }
}

/** Whether a field of this name holds a secret. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name.toLowerCase().replace(/[\s_-]/g, ''));
}
