import { Inject, Injectable } from '@nestjs/common';
import {
  BUS_MODULE_OPTIONS,
  type BusModuleOptions,
  type BusObserver,
  type MessageKind,
  type SettledOutcome,
} from '@cogo/bus';
import { BUS_METRICS, type BusMetrics, CONNECTION_STATES } from './bus-metrics';
import { LabelBudget } from './label-budget';

/** Distinct patterns and event types per process before the rest are counted as `other`. */
export const MAX_PATTERN_LABELS = 200;

type ConnectionState = (typeof CONNECTION_STATES)[number];

/**
 * The `BusObserver` of every agent: turns what the transport reports into the `cogo_bus_*`
 * metrics. Labels are the agent name, patterns, kinds and outcomes — never an id. Patterns and
 * event types share one budget of `MAX_PATTERN_LABELS` values.
 */
@Injectable()
export class PrometheusBusObserver implements BusObserver {
  private readonly agent: string;
  private readonly patterns = new LabelBudget(MAX_PATTERN_LABELS);

  constructor(
    @Inject(BUS_MODULE_OPTIONS) options: Pick<BusModuleOptions, 'agent'>,
    @Inject(BUS_METRICS) private readonly metrics: BusMetrics,
  ) {
    this.agent = options.agent;
    // Series that must be visible before the first message: 0 in flight, no state yet.
    metrics.inFlight.inc({ agent: this.agent }, 0);
    for (const state of CONNECTION_STATES) metrics.connectionStatus.inc({ agent: this.agent, state }, 0);
  }

  messageStarted(event: { pattern: string; kind: MessageKind; attempt: number; queueWaitMs: number }): void {
    const pattern = this.patterns.admit(event.pattern);
    this.metrics.inFlight.inc({ agent: this.agent });
    this.metrics.queueWait.observe({ agent: this.agent, pattern, kind: event.kind }, seconds(event.queueWaitMs));
    if (event.attempt > 1) this.metrics.redeliveries.inc({ agent: this.agent, pattern });
  }

  messageSettled(event: {
    pattern: string;
    kind: MessageKind;
    attempt: number;
    outcome: SettledOutcome;
    handlerMs: number;
  }): void {
    const pattern = this.patterns.admit(event.pattern);
    this.metrics.inFlight.dec({ agent: this.agent });
    this.metrics.messages.inc({ agent: this.agent, pattern, kind: event.kind, outcome: event.outcome });
    this.metrics.handlerDuration.observe({ agent: this.agent, pattern, kind: event.kind }, seconds(event.handlerMs));
    if (event.outcome === 'dead') this.metrics.deadLetters.inc({ agent: this.agent, pattern });
  }

  requestFinished(event: {
    pattern: string;
    outcome: 'ok' | 'remote_error' | 'timeout' | 'send_error';
    roundTripMs: number;
  }): void {
    this.metrics.requestDuration.observe(
      { agent: this.agent, pattern: this.patterns.admit(event.pattern), outcome: event.outcome },
      seconds(event.roundTripMs),
    );
  }

  eventPublished(event: { type: string; deliveries: number }): void {
    this.metrics.eventsPublished.inc({ agent: this.agent, type: this.patterns.admit(event.type) });
  }

  connectionState(event: { state: ConnectionState }): void {
    for (const state of CONNECTION_STATES) {
      this.metrics.connectionStatus.set({ agent: this.agent, state }, state === event.state ? 1 : 0);
    }
  }
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}
