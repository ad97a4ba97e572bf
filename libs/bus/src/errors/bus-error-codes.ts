/** Error codes the transport itself produces; handlers may use their own codes too. */
export const BusErrorCode = {
  /** `send()` got no reply within its timeout. */
  RequestTimeout: 'REQUEST_TIMEOUT',
  /** The request's deadline passed before a worker ran it (set by bus_claim). */
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  /** No worker finished the message within its lease, max_attempts times (set by bus_claim). */
  LeaseExpired: 'LEASE_EXPIRED',
  /** The payload failed validation (ValidationPipe or a DTO check). Not retried. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** No handler for the pattern in the group that received it. Not retried. */
  NoHandler: 'NO_HANDLER',
  /** The client does not know which group serves a pattern. */
  NoRoute: 'NO_ROUTE',
  /** A handler threw something that is not an RpcException. Retried. */
  HandlerError: 'HANDLER_ERROR',
  /** The payload is too large for the bus. */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The payload is not JSON that Postgres can store (a NUL character, a lone surrogate, a BigInt). */
  InvalidPayload: 'INVALID_PAYLOAD',
  /** A pattern, recipient or option of the message breaks the bus's rules; nothing was sent. */
  InvalidMessage: 'INVALID_MESSAGE',
  /** A handler's result is not JSON Postgres can store, or is larger than a reply may be. Not retried. */
  UnserializableResult: 'UNSERIALIZABLE_RESULT',
  /** The client or server is closed. */
  Closed: 'BUS_CLOSED',
} as const;

export type BusErrorCode = (typeof BusErrorCode)[keyof typeof BusErrorCode];
