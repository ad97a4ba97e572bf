import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Buckets in seconds for work that takes milliseconds (a claim, a plan) up to minutes (a build,
 * a test run, a large index): roughly 1-2.5-5 steps, then 30 s, 1, 2, 5 and 10 min.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
];

/** The states a `BusServer`'s wake-up channel reports; one `cogo_bus_connection_status` series each. */
export const CONNECTION_STATES = ['connecting', 'connected', 'disconnected', 'draining', 'closed'] as const;

/** Every `cogo_bus_*` metric of one process. Label values are bounded: agent, pattern, kind, outcome, state. */
export interface BusMetrics {
  readonly messages: Counter<'agent' | 'pattern' | 'kind' | 'outcome'>;
  readonly handlerDuration: Histogram<'agent' | 'pattern' | 'kind'>;
  readonly queueWait: Histogram<'agent' | 'pattern' | 'kind'>;
  readonly requestDuration: Histogram<'agent' | 'pattern' | 'outcome'>;
  readonly inFlight: Gauge<'agent'>;
  readonly redeliveries: Counter<'agent' | 'pattern'>;
  readonly deadLetters: Counter<'agent' | 'pattern'>;
  readonly eventsPublished: Counter<'agent' | 'type'>;
  readonly connectionStatus: Gauge<'agent' | 'state'>;
}

/** Injection token of the process's `BusMetrics` (in prom-client's default registry). */
export const BUS_METRICS = Symbol('BUS_METRICS');

/**
 * The bus metrics in `registry`, created on first use and shared after that: several Nest
 * applications in one process (tests) report into the same series, told apart by `agent`.
 */
export function busMetricsIn(registry: Registry): BusMetrics {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> =>
    (registry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames, buckets: [...DURATION_BUCKETS_SECONDS], registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] });

  return {
    messages: counter(
      'cogo_bus_messages_total',
      'Messages this process ran, by how they ended (done, retry, failed, dead, lease_lost, released).',
      ['agent', 'pattern', 'kind', 'outcome'],
    ),
    handlerDuration: histogram(
      'cogo_bus_handler_duration_seconds',
      'Time from claiming a message to settling it: the handler plus recording its result.',
      ['agent', 'pattern', 'kind'],
    ),
    queueWait: histogram(
      'cogo_bus_queue_wait_seconds',
      'Time a message waited between becoming due and being claimed.',
      ['agent', 'pattern', 'kind'],
    ),
    requestDuration: histogram(
      'cogo_bus_request_duration_seconds',
      'Round trip of send(): from enqueueing a request to its reply, remote error or timeout.',
      ['agent', 'pattern', 'outcome'],
    ),
    inFlight: gauge('cogo_bus_in_flight', 'Messages this process is running now.', ['agent']),
    redeliveries: counter(
      'cogo_bus_redeliveries_total',
      'Messages claimed again after an earlier attempt (retry after failure, or lease takeover).',
      ['agent', 'pattern'],
    ),
    deadLetters: counter(
      'cogo_bus_dead_letters_total',
      'Messages this process dead-lettered: their last attempt failed.',
      ['agent', 'pattern'],
    ),
    eventsPublished: counter('cogo_bus_events_published_total', 'Events this process published.', ['agent', 'type']),
    connectionStatus: gauge(
      'cogo_bus_connection_status',
      "State of the bus server's wake-up channel (LISTEN or Realtime): 1 for the current state, 0 for the others.",
      ['agent', 'state'],
    ),
  };
}
