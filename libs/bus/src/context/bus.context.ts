import { BaseRpcContext } from '@nestjs/microservices';
import type { BusHeaders, BusMessage } from '../interfaces/bus-message.interface';

/** What a handler can do about its lease. */
export interface LeaseControl {
  /** Extends the lease now (beyond the automatic heartbeat); false when the lease was lost. */
  extend(leaseMs?: number): Promise<boolean>;
  /** Aborted when the lease is lost or the drain timeout passes: stop work, the result will be refused. */
  readonly signal: AbortSignal;
}

type BusContextArgs = [BusMessage, LeaseControl];

/** `@Ctx() context: BusContext` in a bus handler. */
export class BusContext extends BaseRpcContext<BusContextArgs> {
  constructor(args: BusContextArgs) {
    super(args);
  }

  /** The whole delivery row. */
  getMessage(): BusMessage {
    return this.args[0];
  }

  getMessageId(): string {
    return this.args[0].id;
  }

  getPattern(): string {
    return this.args[0].pattern;
  }

  /** 1 on the first delivery; higher on redeliveries. */
  getAttempt(): number {
    return this.args[0].attempts;
  }

  getMaxAttempts(): number {
    return this.args[0].maxAttempts;
  }

  getTraceId(): string {
    return this.args[0].traceId;
  }

  getSpanId(): string {
    return this.args[0].spanId;
  }

  getHeaders(): BusHeaders {
    return this.args[0].headers;
  }

  /** The sending instance (requests) or source agent (events). */
  getSender(): string {
    return this.args[0].sender;
  }

  getIdempotencyKey(): string | null {
    return this.args[0].idempotencyKey;
  }

  extendLease(leaseMs?: number): Promise<boolean> {
    return this.args[1].extend(leaseMs);
  }

  /** Aborted when this handler's lease is lost or the server stops waiting for it. */
  get signal(): AbortSignal {
    return this.args[1].signal;
  }
}
