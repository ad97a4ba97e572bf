/** The answer is larger than the call accepts: stopped reading rather than filling memory. */
export class HttpResponseTooLargeError extends Error {
  override readonly name = 'HttpResponseTooLargeError';

  constructor(
    readonly url: string,
    readonly limitBytes: number,
  ) {
    super(`The answer of ${url} is larger than ${limitBytes} bytes`);
  }
}
