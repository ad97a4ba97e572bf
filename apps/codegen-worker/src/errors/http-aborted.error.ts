/** The caller gave up (the bus lease was lost, or the worker is stopping) before the answer came. */
export class HttpAbortedError extends Error {
  override readonly name = 'HttpAbortedError';

  constructor(readonly url: string) {
    super(`The call to ${url} was abandoned: the worker lost its lease or is stopping`);
  }
}
