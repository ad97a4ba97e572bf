import type { BusHeaders } from '../interfaces/bus-message.interface';
import { BusRecord, type BusRecordOptions } from './bus-record';

/**
 * Builds a `BusRecord`, like Nest's `RmqRecordBuilder`:
 *
 * ```ts
 * const record = new BusRecordBuilder({ spec }).setIdempotencyKey(`codegen:${runId}`).setTimeout(60_000).build();
 * await lastValueFrom(client.send('codegen.generate', record));
 * ```
 */
export class BusRecordBuilder<TData = unknown> {
  private options: BusRecordOptions = {};

  constructor(private data?: TData) {}

  setData(data: TData): this {
    this.data = data;
    return this;
  }

  setHeaders(headers: BusHeaders): this {
    this.options = { ...this.options, headers: { ...this.options.headers, ...headers } };
    return this;
  }

  setIdempotencyKey(key: string): this {
    this.options = { ...this.options, idempotencyKey: key };
    return this;
  }

  setTimeout(timeoutMs: number): this {
    this.options = { ...this.options, timeoutMs };
    return this;
  }

  setMaxAttempts(maxAttempts: number): this {
    this.options = { ...this.options, maxAttempts };
    return this;
  }

  setRecipient(recipient: string): this {
    this.options = { ...this.options, recipient };
    return this;
  }

  setDelay(delayMs: number): this {
    this.options = { ...this.options, delayMs };
    return this;
  }

  build(): BusRecord<TData> {
    return new BusRecord(this.data as TData, this.options);
  }
}
