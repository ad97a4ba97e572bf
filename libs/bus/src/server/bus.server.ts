import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { runWithTrace } from '@cogo/tracing';
import { MicroBatcher } from '../batching/micro-batcher';
import { checkResult } from '../client/message-rules';
import { BusContext, type LeaseControl } from '../context/bus.context';
import { runInDelivery } from '../context/delivery-scope';
import { BusErrorCode } from '../errors/bus-error-codes';
import { toBusError } from '../errors/to-bus-error';
import type { BusDriver, WakeupState } from '../interfaces/bus-driver.interface';
import type { BusErrorPayload, BusMessage, Completion } from '../interfaces/bus-message.interface';
import type { BusObserver, SettledOutcome } from '../interfaces/bus-observer.interface';

const DEFAULT_MAX_RESULT_BYTES = 1_000_000;

export interface BusServerOptions {
  /** Consumer group: the agent name. Every instance of the group competes for its messages. */
  readonly group: string;
  /** This process; the fencing identity of its leases. */
  readonly instanceId: string;
  /** Handlers running at once in this process. */
  readonly concurrency?: number;
  /** Lease per claim; renewed every third of it while the handler runs. */
  readonly leaseMs?: number;
  /** Idle backstop: claim this often even without a wake-up (a lost notification costs at most this). */
  readonly pollIntervalMs?: number;
  /** How long `close()` waits for running handlers before releasing their messages. */
  readonly drainTimeoutMs?: number;
  /** Base of the retry backoff for failed handlers (doubles per attempt, with jitter). */
  readonly retryBaseMs?: number;
  /** Largest claim in one round trip. */
  readonly claimBatchSize?: number;
  /** Told which patterns this server handles once it listens (presence). */
  readonly onPatterns?: (patterns: readonly string[]) => void;
  /** Metrics hooks. */
  readonly observer?: BusObserver;
  /** The largest handler result a reply may carry, in bytes of JSON (default 1,000,000, like a payload). */
  readonly maxResultBytes?: number;
}

export type BusServerStatus = 'connecting' | 'connected' | 'disconnected' | 'draining' | 'closed';

type BusServerEvents = {
  error: (error: Error) => void;
  status: (status: BusServerStatus) => void;
};

interface RunningMessage {
  readonly message: BusMessage;
  readonly abort: AbortController;
  readonly startedAt: number;
  outcome?: SettledOutcome;
}

/**
 * The server side of the bus: a Nest `CustomTransportStrategy` over `agent_messages`.
 * `@MessagePattern` handlers answer requests; `@EventPattern` handlers receive the events their
 * group subscribes to (registered in `bus_subscriptions` at listen time).
 *
 * A wake-up (NOTIFY / Realtime) only prompts a claim; the table is the truth. So the server also
 * claims when its wake-up channel becomes live and on an idle poll. Each claimed message runs in
 * its own trace context; success completes it (fenced), an error fails it (retried with backoff
 * unless non-retryable), and a long handler's lease is renewed until it ends.
 */
export class BusServer extends Server<BusServerEvents, BusServerStatus> implements CustomTransportStrategy {
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly claimBatchSize: number;
  private readonly running = new Map<string, RunningMessage>();
  private readonly listeners: { [K in keyof BusServerEvents]: BusServerEvents[K][] } = { error: [], status: [] };
  private readonly completions: MicroBatcher<Completion, boolean>;
  private unlisten?: () => Promise<void>;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private claiming = false;
  private claimAgain = false;
  private backlog = false;
  private stopping = false;
  private closing?: Promise<void>;
  private lastClaimError?: string;
  private lastStatus?: BusServerStatus;

  constructor(
    private readonly driver: BusDriver,
    private readonly options: BusServerOptions,
  ) {
    super();
    this.concurrency = options.concurrency ?? 16;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.claimBatchSize = options.claimBatchSize ?? 32;
    this.completions = new MicroBatcher(async (items) => {
      const accepted = new Set(await this.driver.complete(this.options.instanceId, items));
      return items.map((item) => accepted.has(item.id));
    });
    this.initializeSerializer({});
    this.initializeDeserializer({});
  }

  /** Messages this process is running now. */
  get inFlight(): number {
    return this.running.size;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  on<EventKey extends keyof BusServerEvents>(event: EventKey, callback: BusServerEvents[EventKey]): void {
    this.listeners[event].push(callback);
  }

  /** The driver, for what the transport does not expose. */
  unwrap<T>(): T {
    return this.driver as T;
  }

  private async start(): Promise<void> {
    this.setStatus('connecting');
    const patterns = [...this.messageHandlers.keys()];
    const eventPatterns = patterns.filter((pattern) => this.messageHandlers.get(pattern)?.isEventHandler);
    await this.driver.subscribe(this.options.group, eventPatterns);
    this.options.onPatterns?.(patterns);
    this.unlisten = await this.driver.listen(this.options.group, {
      onWake: () => this.pump(),
      onState: (state) => this.onWakeupState(state),
    });
    this.pollTimer = setInterval(() => this.pump(), this.options.pollIntervalMs ?? 1_000);
    this.pollTimer.unref();
    this.heartbeatTimer = setInterval(() => void this.renewLeases(), Math.max(100, this.leaseMs / 3));
    this.heartbeatTimer.unref();
    this.pump();
  }

  private onWakeupState(state: WakeupState): void {
    if (this.stopping) return;
    if (state === 'live') {
      this.setStatus('connected');
      // Anything sent while the channel was down produced no wake-up: catch up now.
      this.pump();
    } else if (state === 'down') {
      this.setStatus('disconnected');
    } else {
      this.setStatus('connecting');
    }
  }

  /** Claims as long as there are free slots and the last claim came back full. */
  private pump(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = true;
    void this.claimWhileBusy().finally(() => {
      this.claiming = false;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.pump();
      }
    });
  }

  private async claimWhileBusy(): Promise<void> {
    for (;;) {
      this.claimAgain = false;
      const free = this.concurrency - this.running.size;
      if (free <= 0 || this.stopping) {
        this.backlog = free <= 0;
        return;
      }
      const wanted = Math.min(free, this.claimBatchSize);
      let claimed: BusMessage[];
      try {
        claimed = await this.driver.claim(this.options.group, this.options.instanceId, wanted, this.leaseMs);
        if (this.lastClaimError) this.logger.log?.('claiming works again');
        this.lastClaimError = undefined;
      } catch (error) {
        this.reportError('claim failed; retrying on the next wake-up or poll', error);
        return;
      }
      for (const message of claimed) this.run(message);
      this.backlog = claimed.length === wanted;
      if (!this.backlog) return;
    }
  }

  private run(message: BusMessage): void {
    const abort = new AbortController();
    const entry: RunningMessage = { message, abort, startedAt: Date.now() };
    this.running.set(message.id, entry);
    this.observe((observer) =>
      observer.messageStarted?.({
        pattern: message.pattern,
        kind: message.kind,
        attempt: message.attempts,
        queueWaitMs: Math.max(0, entry.startedAt - message.availableAt.getTime()),
      }),
    );
    const lease: LeaseControl = {
      extend: (leaseMs) => this.extendOne(entry, leaseMs ?? this.leaseMs),
      signal: abort.signal,
    };
    const context = new BusContext([message, lease]);
    const trace = { traceId: message.traceId, spanId: message.spanId, parentSpanId: message.parentSpanId };
    void runWithTrace(trace, () => runInDelivery(message.id, () => this.execute(entry, context)))
      .catch((error: unknown) => this.reportError(`settling message ${message.id} failed`, error))
      .finally(() => {
        this.running.delete(message.id);
        this.observe((observer) =>
          observer.messageSettled?.({
            pattern: message.pattern,
            kind: message.kind,
            attempt: message.attempts,
            outcome: entry.outcome ?? 'lease_lost',
            handlerMs: Date.now() - entry.startedAt,
          }),
        );
        if (this.backlog || this.claimAgain) this.pump();
      });
  }

  private async execute(entry: RunningMessage, context: BusContext): Promise<void> {
    const { message } = entry;
    const handler = this.getHandlerByPattern(message.pattern);
    if (!handler) {
      await this.settleFailure(entry, {
        code: BusErrorCode.NoHandler,
        message: `Group "${this.options.group}" has no handler for "${message.pattern}" (instance ${this.options.instanceId}). Deploy a version that handles it, or stop sending it here.`,
        retryable: false,
      });
      return;
    }
    const outcome = await new Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>((resolve) => {
      this.runWithProcessingHooks(context, async (runEndHook) => {
        try {
          const result = this.transformToObservable(await handler(message.payload, context));
          resolve({ ok: true, value: await lastValueFrom(result, { defaultValue: undefined }) });
        } catch (error) {
          resolve({ ok: false, error });
        } finally {
          runEndHook();
        }
      });
    });
    if (!outcome.ok) {
      await this.settleFailure(entry, toBusError(outcome.error));
      return;
    }
    const value = message.kind === 'request' ? (outcome.value ?? null) : null;
    const checked = checkResult(value, this.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES);
    if (!checked.ok) {
      await this.settleFailure(entry, {
        code: BusErrorCode.UnserializableResult,
        message: `The handler of "${message.pattern}" returned a result the bus cannot carry: ${checked.reason}. Return plain JSON, and put large data in a file or table and return its reference.`,
        retryable: false,
      });
      return;
    }
    const accepted = await this.settleThroughOutages(entry, () =>
      this.completions.add({ id: message.id, attempt: message.attempts, reply: value }),
    );
    entry.outcome = accepted ? 'done' : 'lease_lost';
    if (!accepted) {
      this.logger.warn?.(
        `lease of message ${message.id} (${message.pattern}, attempt ${message.attempts}) was lost before it finished; its result was discarded and another attempt owns it`,
      );
    }
  }

  private async settleFailure(entry: RunningMessage, error: BusErrorPayload): Promise<void> {
    const { message } = entry;
    const retryable = error.retryable !== false;
    const result = await this.settleThroughOutages(entry, () =>
      this.driver.fail(this.options.instanceId, {
        id: message.id,
        attempt: message.attempts,
        error,
        retryable,
        retryBaseMs: this.options.retryBaseMs,
      }),
    );
    if (!result) {
      entry.outcome = 'lease_lost';
      this.logger.warn?.(`lease of message ${message.id} was lost before its failure could be recorded`);
      return;
    }
    entry.outcome = result.status === 'queued' ? 'retry' : result.status === 'dead' ? 'dead' : 'failed';
    if (result.status === 'queued') this.wakeAt(result.availableAt);
  }

  /**
   * Completing or failing a message that ran is retried while the database is unreachable (a
   * restart, a cut connection), for up to two leases: the message stays in `running`, so its
   * lease keeps being renewed once the database answers again. Giving up at the first error would
   * leave it claimed until its lease ran out and then run the handler again — or, past its
   * deadline, expire a request that had in fact been answered. A repeat is safe: both calls are
   * fenced on (instance, attempt), so one that already committed is refused the second time.
   */
  private async settleThroughOutages<T>(entry: RunningMessage, settle: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + 2 * this.leaseMs;
    for (let retry = 0; ; retry++) {
      try {
        return await settle();
      } catch (error) {
        if (entry.abort.signal.aborted || Date.now() >= giveUpAt) throw error;
        this.reportError(`settling message ${entry.message.id} failed; retrying`, error);
        await new Promise((done) => setTimeout(done, Math.min(2_000, 100 * 2 ** retry)));
      }
    }
  }

  /** A retry becomes due at `at`: claim then instead of waiting for the idle poll. */
  private wakeAt(at: Date): void {
    if (this.stopping) return;
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(timer);
        this.pump();
      },
      Math.max(0, at.getTime() - Date.now()) + 5,
    );
    timer.unref();
    this.retryTimers.add(timer);
  }

  private async extendOne(entry: RunningMessage, leaseMs: number): Promise<boolean> {
    const extended = await this.driver.extend(
      this.options.instanceId,
      [{ id: entry.message.id, attempt: entry.message.attempts }],
      leaseMs,
    );
    if (extended.length === 0) entry.abort.abort(new Error('lease lost'));
    return extended.length > 0;
  }

  private async renewLeases(): Promise<void> {
    if (this.running.size === 0) return;
    const entries = [...this.running.values()];
    try {
      const leases = entries.map((entry) => ({ id: entry.message.id, attempt: entry.message.attempts }));
      const extended = new Set(await this.driver.extend(this.options.instanceId, leases, this.leaseMs));
      for (const entry of entries) {
        if (!extended.has(entry.message.id) && this.running.has(entry.message.id)) {
          entry.abort.abort(new Error('lease lost'));
        }
      }
    } catch (error) {
      this.reportError('lease renewal failed; retrying at the next heartbeat', error);
    }
  }

  /**
   * Graceful stop: no new claims; running handlers get `drainTimeoutMs` to finish; what is still
   * running then is released back to the queue (without counting the attempt) for another
   * instance, and its late result will be refused by fencing.
   */
  private async drain(): Promise<void> {
    this.stopping = true;
    this.setStatus('draining');
    clearInterval(this.pollTimer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    await this.unlisten?.().catch(() => undefined);
    const deadline = Date.now() + (this.options.drainTimeoutMs ?? 10_000);
    while (this.running.size > 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    const unfinished = [...this.running.values()];
    if (unfinished.length > 0) {
      for (const entry of unfinished) {
        entry.outcome = 'released';
        entry.abort.abort(new Error('server is shutting down'));
      }
      const ids = unfinished.map((entry) => entry.message.id);
      await this.driver
        .release(this.options.instanceId, ids)
        .catch((error: unknown) => this.reportError('releasing unfinished messages failed', error));
      this.logger.warn?.(`released ${ids.length} unfinished message(s) back to the queue at shutdown`);
    }
    await this.completions.settled();
    clearInterval(this.heartbeatTimer);
    this.setStatus('closed');
  }

  /** The last status reported, for readiness checks. */
  get currentStatus(): BusServerStatus | undefined {
    return this.lastStatus;
  }

  private observe(report: (observer: BusObserver) => void): void {
    if (!this.options.observer) return;
    try {
      report(this.options.observer);
    } catch {
      // metrics must never disturb delivery
    }
  }

  private setStatus(status: BusServerStatus): void {
    this.lastStatus = status;
    this.observe((observer) => observer.connectionState?.({ state: status }));
    this._status$.next(status);
    for (const listener of this.listeners.status) listener(status);
  }

  private reportError(what: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.lastClaimError !== message) this.logger.error?.(`${what}: ${message}`);
    this.lastClaimError = message;
    const asError = error instanceof Error ? error : new Error(message);
    for (const listener of this.listeners.error) listener(asError);
  }
}

/** The value as it will be stored (undefined becomes null), or why it cannot be stored. */
