import type { BusHeaders } from '../interfaces/bus-message.interface';

/** Per-message options of `send()` / `emit()`, set through `BusRecordBuilder`. */
export interface BusRecordOptions {
  readonly headers?: BusHeaders;
  /** Same key, same recipient: the message is stored and run once. */
  readonly idempotencyKey?: string;
  /** How long `send()` waits for the reply; also the request's deadline on the bus. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Consumer group to send to, overriding the route table. */
  readonly recipient?: string;
  /** Do not deliver before this many milliseconds. */
  readonly delayMs?: number;
}

/** A payload with its bus options; `send()` and `emit()` accept it in place of bare data. */
export class BusRecord<TData = unknown> {
  constructor(
    readonly data: TData,
    readonly options: BusRecordOptions = {},
  ) {}
}
