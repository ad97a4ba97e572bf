import type { FieldProblem } from './validation.ts';

/**
 * An answer other than 202, as the caller sees it: `{error: {code, message, fields?}}`. The message
 * tells the caller what to do; it never carries internals (SQL, hosts, stack traces, secrets).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly fields?: readonly FieldProblem[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): { error: { code: string; message: string; fields?: readonly FieldProblem[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) },
    };
  }
}

const BEARER_REALM = 'Bearer realm="agent-ingress"';

/** 401 with the `WWW-Authenticate` challenge RFC 6750 asks for. */
export function unauthenticated(code: string, message: string, tokenProblem = false): HttpError {
  const challenge = tokenProblem
    ? `${BEARER_REALM}, error="invalid_token", error_description="${message.replaceAll('"', "'")}"`
    : BEARER_REALM;
  return new HttpError(401, code, message, { 'WWW-Authenticate': challenge });
}
