/** The server could not be reached at all (refused, reset, unknown host). */
export class HttpConnectionError extends Error {
  override readonly name = 'HttpConnectionError';

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Cannot reach ${url}: ${reason}`);
  }
}
