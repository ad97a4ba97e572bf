import { randomUUID } from 'node:crypto';
import { ClientProxy, type MsPattern, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { childSpan, currentTrace, formatTraceparent } from '@cogo/tracing';
import { MicroBatcher } from '../batching/micro-batcher';
import { deliveryScopedId } from '../context/delivery-scope';
import { BusClosedException } from '../errors/bus-closed.exception';
import { NoRouteException } from '../errors/no-route.exception';
import { RemoteErrorException } from '../errors/remote-error.exception';
import { RequestTimeoutException } from '../errors/request-timeout.exception';
import type { BusDriver, WakeupState } from '../interfaces/bus-driver.interface';
import type { BusObserver } from '../interfaces/bus-observer.interface';
import type {
  BusMessage,
  OutgoingEvent,
  OutgoingMessage,
  PublishResult,
  SendResult,
} from '../interfaces/bus-message.interface';
import { BusRecord, type BusRecordOptions } from '../record/bus-record';
import { checkPattern, checkPayload, checkRecipient, checkRecordOptions } from './message-rules';
import { resolveRoute } from './route-table';

export interface BusClientOptions {
  /** This agent's name: the `source` of its events. */
  readonly group: string;
  /** This process: where replies to its requests are addressed. */
  readonly instanceId: string;
  /** Pattern -> consumer group. `'codegen.*'` matches every pattern that starts with `codegen.`. */
  readonly routes?: Readonly<Record<string, string>>;
  /** Default wait for a reply, and the request's deadline on the bus. */
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Largest payload accepted, in bytes of JSON. */
  readonly maxPayloadBytes?: number;
  /** Backstop for lost reply wake-ups while requests are waiting. */
  readonly pollIntervalMs?: number;
  /** Metrics hooks. */
  readonly observer?: BusObserver;
}

export type BusClientStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

interface PendingRequest {
  readonly pattern: string;
  readonly sentAt: number;
  readonly callback: (packet: WritePacket) => void;
  timer?: NodeJS.Timeout;
  /** The request was a repeat of an earlier one (same idempotency key): its reply went elsewhere. */
  awaitsOutcome: boolean;
}

const DEFAULT_MAX_PAYLOAD_BYTES = 1_000_000;

/**
 * The client side of the bus: a Nest `ClientProxy`. `send()` enqueues a request with a deadline
 * and waits for its reply (or rejects with the remote error's code and message, or a timeout);
 * `emit()` publishes an event to every subscribed group. Both inherit the current trace, so a
 * send inside a handler is that handler's child span. Concurrent sends share one round trip.
 */
export class BusClient extends ClientProxy<Record<never, never>, BusClientStatus> {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly sends: MicroBatcher<OutgoingMessage, SendResult>;
  private readonly publishes: MicroBatcher<OutgoingEvent, PublishResult>;
  private connecting?: Promise<void>;
  private unlisten?: () => Promise<void>;
  private pollTimer?: NodeJS.Timeout;
  private collecting = false;
  private collectAgain = false;
  private closed = false;

  constructor(
    private readonly driver: BusDriver,
    private readonly options: BusClientOptions,
  ) {
    super();
    this.sends = new MicroBatcher((messages) => this.sendBatch(messages));
    this.publishes = new MicroBatcher((events) => this.driver.publish(events));
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  /** Requests waiting for a reply. */
  get waiting(): number {
    return this.pending.size;
  }

  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new BusClosedException('client'));
    this.connecting ??= this.listenForReplies().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    await this.unlisten?.().catch(() => undefined);
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.callback({ err: new BusClosedException('client'), isDisposed: true });
      this.pending.delete(id);
    }
    this._status$.next('closed');
  }

  unwrap<T>(): T {
    return this.driver as T;
  }

  /** A `null` or absent payload is sent as JSON `null` (Nest's proxy would throw an untyped error). */
  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    return super.send<TResult, unknown>(pattern, data ?? new BusRecord(null));
  }

  override emit<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    return super.emit<TResult, unknown>(pattern, data ?? new BusRecord(null));
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let message: OutgoingMessage;
    let timeoutMs: number;
    try {
      ({ message, timeoutMs } = this.toRequest(packet));
    } catch (error) {
      callback({ err: error, isDisposed: true });
      return () => undefined;
    }
    const sentAt = Date.now();
    const observed = (packet: WritePacket): void => {
      const outcome = !packet.err
        ? 'ok'
        : packet.err instanceof RequestTimeoutException
          ? 'timeout'
          : packet.err instanceof RemoteErrorException
            ? 'remote_error'
            : 'send_error';
      try {
        this.options.observer?.requestFinished?.({
          pattern: message.pattern,
          outcome,
          roundTripMs: Date.now() - sentAt,
        });
      } catch {
        // metrics must never disturb delivery
      }
      callback(packet);
    };
    const request: PendingRequest = { pattern: message.pattern, sentAt, callback: observed, awaitsOutcome: false };
    let key = message.id;
    this.pending.set(key, request);
    request.timer = setTimeout(() => {
      if (this.pending.get(key) !== request) return;
      this.pending.delete(key);
      request.callback({ err: new RequestTimeoutException(message.pattern, key, timeoutMs), isDisposed: true });
    }, timeoutMs);

    this.sends.add(message).then(
      (result) => {
        if (!result.duplicate || result.id === message.id) return;
        // An earlier message carries this idempotency key: its outcome answers this request.
        if (this.pending.get(key) !== request) return;
        this.pending.delete(key);
        key = result.id;
        request.awaitsOutcome = true;
        this.pending.set(key, request);
        void this.collectOutcomes([key]);
      },
      (error: unknown) => {
        if (this.pending.get(key) !== request) return;
        clearTimeout(request.timer);
        this.pending.delete(key);
        request.callback({ err: error, isDisposed: true });
      },
    );
    return () => {
      clearTimeout(request.timer);
      if (this.pending.get(key) === request) this.pending.delete(key);
    };
  }

  protected async dispatchEvent<T = PublishResult>(packet: ReadPacket): Promise<T> {
    const { data, options } = unpack(packet.data);
    const type = this.normalizePattern(packet.pattern as MsPattern);
    checkPattern(type, 'event type');
    checkRecordOptions(options);
    this.checkPayload(data);
    const span = childSpan(currentTrace());
    const event: OutgoingEvent = {
      // A handler run again for the same message publishes the same ids: fanned out only once.
      id: deliveryScopedId(`event:${type}`),
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      type,
      source: this.options.group,
      data: data ?? null,
      headers: { ...options.headers, traceparent: formatTraceparent(span) },
      maxAttempts: options.maxAttempts ?? this.options.maxAttempts,
    };
    const result = await this.publishes.add(event);
    try {
      this.options.observer?.eventPublished?.({ type: event.type, deliveries: result.deliveries });
    } catch {
      // metrics must never disturb delivery
    }
    return result as T;
  }

  private toRequest(packet: ReadPacket): { message: OutgoingMessage; timeoutMs: number } {
    if (this.closed) throw new BusClosedException('client');
    const pattern = this.normalizePattern(packet.pattern as MsPattern);
    checkPattern(pattern);
    const { data, options } = unpack(packet.data);
    const recipient = options.recipient ?? resolveRoute(this.options.routes ?? {}, pattern);
    if (!recipient) throw new NoRouteException(pattern);
    checkRecipient(recipient);
    checkRecordOptions(options);
    this.checkPayload(data);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const span = childSpan(currentTrace());
    const now = Date.now();
    const deadlineAt = new Date(now + (options.delayMs ?? 0) + timeoutMs);
    return {
      timeoutMs,
      message: {
        id: randomUUID(),
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        kind: 'request',
        pattern,
        sender: this.options.instanceId,
        recipient,
        payload: data ?? null,
        headers: { ...options.headers, traceparent: formatTraceparent(span), deadline: deadlineAt.toISOString() },
        maxAttempts: options.maxAttempts ?? this.options.maxAttempts,
        availableAt: options.delayMs ? new Date(now + options.delayMs) : undefined,
        deadlineAt,
        idempotencyKey: options.idempotencyKey,
      },
    };
  }

  /** Refused before anything is sent: over the limit, or not JSON that Postgres can store. */
  private checkPayload(data: unknown): void {
    checkPayload(data, this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  }

  private async sendBatch(messages: OutgoingMessage[]): Promise<SendResult[]> {
    const results = await this.driver.send(messages);
    // bus_send answers per distinct message; match by id, or by key for repeats.
    return messages.map(
      (message) =>
        results.find((result) => result.id === message.id) ??
        results.find(
          (result) =>
            message.idempotencyKey !== undefined &&
            result.recipient === message.recipient &&
            result.idempotencyKey === message.idempotencyKey,
        ) ?? { id: message.id, recipient: message.recipient, idempotencyKey: null, duplicate: false, status: 'queued' },
    );
  }

  private async listenForReplies(): Promise<void> {
    this._status$.next('connecting');
    this.unlisten = await this.driver.listen(this.options.instanceId, {
      onWake: () => this.collectReplies(),
      onState: (state) => this.onWakeupState(state),
    });
    this.pollTimer = setInterval(() => {
      if (this.pending.size === 0) return;
      this.collectReplies();
      const repeats = [...this.pending].filter(([, request]) => request.awaitsOutcome).map(([id]) => id);
      if (repeats.length > 0) void this.collectOutcomes(repeats);
    }, this.options.pollIntervalMs ?? 1_000);
    this.pollTimer.unref();
  }

  private onWakeupState(state: WakeupState): void {
    if (this.closed) return;
    if (state === 'live') {
      this._status$.next('connected');
      this.collectReplies();
    } else {
      this._status$.next(state === 'down' ? 'disconnected' : 'connecting');
    }
  }

  private collectReplies(): void {
    if (this.collecting) {
      this.collectAgain = true;
      return;
    }
    this.collecting = true;
    void this.takeAllReplies().finally(() => {
      this.collecting = false;
      if (this.collectAgain) {
        this.collectAgain = false;
        this.collectReplies();
      }
    });
  }

  private async takeAllReplies(): Promise<void> {
    const batch = 200;
    for (;;) {
      this.collectAgain = false;
      let replies: BusMessage[];
      try {
        replies = await this.driver.takeReplies(this.options.instanceId, batch);
      } catch {
        return; // the next wake-up or poll tries again
      }
      for (const reply of replies) this.deliverReply(reply);
      if (replies.length < batch) return;
    }
  }

  private deliverReply(reply: BusMessage): void {
    const id = reply.correlationId;
    const request = id ? this.pending.get(id) : undefined;
    if (!id || !request) return; // its sender stopped waiting (timeout or unsubscribe)
    this.finish(id, request, reply.error, reply.payload, reply.headers.outcome as BusMessage['status'] | undefined);
  }

  /** Repeats of earlier requests: read where the earlier one stands. */
  private async collectOutcomes(ids: string[]): Promise<void> {
    let outcomes: Awaited<ReturnType<BusDriver['outcome']>>;
    try {
      outcomes = await this.driver.outcome(ids);
    } catch {
      return;
    }
    for (const outcome of outcomes) {
      const request = this.pending.get(outcome.id);
      if (!request || outcome.status === 'queued' || outcome.status === 'claimed') continue;
      this.finish(
        outcome.id,
        request,
        outcome.status === 'done' ? null : outcome.error,
        outcome.result,
        outcome.status,
      );
    }
  }

  private finish(
    id: string,
    request: PendingRequest,
    error: BusMessage['error'],
    payload: unknown,
    outcome: BusMessage['status'] | undefined,
  ): void {
    this.pending.delete(id);
    clearTimeout(request.timer);
    if (error) {
      request.callback({ err: new RemoteErrorException(error, id, outcome), isDisposed: true });
    } else {
      request.callback({ response: payload, isDisposed: true });
    }
  }
}

function unpack(data: unknown): { data: unknown; options: BusRecordOptions } {
  return data instanceof BusRecord ? { data: data.data, options: data.options } : { data, options: {} };
}
