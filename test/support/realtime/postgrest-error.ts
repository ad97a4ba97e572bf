import { DatabaseError } from 'pg';

/** The body PostgREST answers errors with (its "verbose" form). */
export interface PostgrestErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: string | null;
  readonly hint: string | null;
}

/** An error response the PostgREST handler sends as it is. */
export class PostgrestResponseError extends Error {
  override readonly name = 'PostgrestResponseError';

  constructor(
    readonly status: number,
    readonly body: PostgrestErrorBody | Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
  }
}

/**
 * PostgREST's SQLSTATE -> HTTP status table (PostgREST `Error.hs`, `mapSQLtoHTTP`). `authenticated`
 * is PostgREST's "the request's role is not the anonymous role": insufficient privilege is 403 then,
 * 401 for anon.
 */
export function httpStatusForSqlState(code: string, message: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    '53400': 500,
    '57P01': 503,
    P0001: 400,
    '42883': 404,
    '42P01': 404,
    '42P17': 500,
  };
  if (code === '42501') return authenticated ? 403 : 401;
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
  if (code === '22023') return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
  if (code in exact) return exact[code];
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const byClass: Array<[string, number]> = [
    ['08', 503],
    ['09', 500],
    ['0L', 403],
    ['0P', 403],
    ['25', 500],
    ['28', 403],
    ['2D', 500],
    ['38', 500],
    ['39', 500],
    ['3B', 500],
    ['40', 500],
    ['53', 503],
    ['54', 500],
    ['55', 500],
    ['57', 500],
    ['58', 500],
    ['F0', 500],
    ['HV', 500],
    ['P0', 500],
    ['XX', 500],
  ];
  return byClass.find(([prefix]) => code.startsWith(prefix))?.[1] ?? 400;
}

/** A Postgres error as PostgREST reports it: SQLSTATE as `code`, detail as `details`. */
export function postgrestErrorFromDatabase(error: DatabaseError, authenticated: boolean): PostgrestResponseError {
  const code = error.code ?? 'XX000';
  const status = httpStatusForSqlState(code, error.message, authenticated);
  return new PostgrestResponseError(
    status,
    { code, message: error.message, details: error.detail ?? null, hint: error.hint ?? null },
    status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
  );
}

export function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof DatabaseError;
}
