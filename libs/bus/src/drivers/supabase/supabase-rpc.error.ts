/** What PostgREST (or the fetch underneath it) said about a failed call. */
export interface SupabaseRpcFailure {
  /** The bus function that was called, e.g. `bus_claim`. */
  readonly fn: string;
  /** HTTP status; 0 when no response arrived (network error or timeout). */
  readonly status: number;
  /** PostgREST's code (a SQLSTATE such as `42501`, or `PGRST202`), `TIMEOUT`, or `FETCH_FAILED`. */
  readonly code: string;
  readonly message: string;
  readonly hint?: string | null;
}

/**
 * A `.rpc()` call of the Supabase driver failed. The message carries PostgREST's code and
 * message, and what to do where that is known; it never carries the service-role key (the driver
 * redacts every text it passes on).
 */
export class SupabaseRpcError extends Error {
  override readonly name = 'SupabaseRpcError';
  readonly fn: string;
  readonly status: number;
  readonly code: string;

  constructor(failure: SupabaseRpcFailure) {
    super(describe(failure));
    this.fn = failure.fn;
    this.status = failure.status;
    this.code = failure.code;
  }
}

function describe(failure: SupabaseRpcFailure): string {
  const where = failure.status > 0 ? `HTTP ${failure.status}, ${failure.code || 'no code'}` : failure.code;
  const advice = adviceFor(failure);
  const hint = failure.hint ? ` (hint: ${failure.hint})` : '';
  return `Supabase rpc ${failure.fn} failed (${where}): ${failure.message}${hint}${advice ? `. ${advice}` : ''}`;
}

function adviceFor(failure: SupabaseRpcFailure): string | undefined {
  if (failure.code === 'PGRST202') {
    return 'The bus functions are missing or stale in the schema cache: apply supabase/migrations (`supabase db push`)';
  }
  if (failure.status === 401 || failure.status === 403 || failure.code === '42501') {
    return 'Check that SUPABASE_SERVICE_ROLE_KEY is the service-role (secret) key of this project';
  }
  if (failure.code === 'TIMEOUT')
    return 'The project may be overloaded or unreachable; the call is retried by the transport';
  return undefined;
}
