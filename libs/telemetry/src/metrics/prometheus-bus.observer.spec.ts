import { Registry } from 'prom-client';
import { busMetricsIn } from './bus-metrics';
import { parseExposition, sampleValue } from './exposition.parser';
import { OTHER_LABEL } from './label-budget';
import { MAX_PATTERN_LABELS, PrometheusBusObserver } from './prometheus-bus.observer';

function anObserver(agent = 'codegen-worker'): { observer: PrometheusBusObserver; registry: Registry } {
  const registry = new Registry();
  return { observer: new PrometheusBusObserver({ agent }, busMetricsIn(registry)), registry };
}

async function scrape(registry: Registry): Promise<ReturnType<typeof parseExposition>> {
  return parseExposition(await registry.metrics());
}

/** Every label set of every sample of the `cogo_` families. */
async function labelSets(registry: Registry): Promise<Record<string, string[][]>> {
  const sets: Record<string, string[][]> = {};
  for (const family of (await scrape(registry)).values()) {
    const keys = new Set(family.samples.map((sample) => Object.keys(sample.labels).sort().join(',')));
    sets[family.name] = [...keys].sort().map((key) => (key === '' ? [] : key.split(',')));
  }
  return sets;
}

const started = { pattern: 'codegen.generate', kind: 'request' as const, attempt: 1, queueWaitMs: 40 };
const settled = { ...started, outcome: 'done' as const, handlerMs: 1_500 };

describe(PrometheusBusObserver.name, () => {
  it('labels every metric with the agent and only bounded values (pattern, kind, outcome, type, state)', async () => {
    const { observer, registry } = anObserver();
    observer.messageStarted({ ...started, attempt: 2 });
    observer.messageSettled({ ...settled, attempt: 2, outcome: 'dead' });
    observer.requestFinished({ pattern: 'build.compile', outcome: 'ok', roundTripMs: 20 });
    observer.eventPublished({ type: 'codegen.completed', deliveries: 2 });
    observer.connectionState({ state: 'connected' });

    expect(await labelSets(registry)).toEqual({
      cogo_bus_messages_total: [['agent', 'kind', 'outcome', 'pattern']],
      cogo_bus_handler_duration_seconds: [
        ['agent', 'kind', 'le', 'pattern'],
        ['agent', 'kind', 'pattern'],
      ],
      cogo_bus_queue_wait_seconds: [
        ['agent', 'kind', 'le', 'pattern'],
        ['agent', 'kind', 'pattern'],
      ],
      cogo_bus_request_duration_seconds: [
        ['agent', 'le', 'outcome', 'pattern'],
        ['agent', 'outcome', 'pattern'],
      ],
      cogo_bus_in_flight: [['agent']],
      cogo_bus_redeliveries_total: [['agent', 'pattern']],
      cogo_bus_dead_letters_total: [['agent', 'pattern']],
      cogo_bus_events_published_total: [['agent', 'type']],
      cogo_bus_connection_status: [['agent', 'state']],
    });
  });

  it('counts settled messages by outcome and tracks what is in flight', async () => {
    const { observer, registry } = anObserver();
    observer.messageStarted(started);
    observer.messageStarted(started);
    expect(sampleValue(await scrape(registry), 'cogo_bus_in_flight', { agent: 'codegen-worker' })).toBe(2);

    observer.messageSettled(settled);
    observer.messageSettled({ ...settled, outcome: 'retry' });
    const metrics = await scrape(registry);
    expect(sampleValue(metrics, 'cogo_bus_in_flight', { agent: 'codegen-worker' })).toBe(0);
    const base = { agent: 'codegen-worker', pattern: 'codegen.generate', kind: 'request' };
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { ...base, outcome: 'done' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { ...base, outcome: 'retry' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { ...base, outcome: 'dead' })).toBeUndefined();
    expect(sampleValue(metrics, 'cogo_bus_dead_letters_total', {})).toBeUndefined();
  });

  it('records durations in seconds: handler time, queue wait, request round trip', async () => {
    const { observer, registry } = anObserver();
    observer.messageStarted({ ...started, queueWaitMs: 40 });
    observer.messageSettled({ ...settled, handlerMs: 1_500 });
    observer.requestFinished({ pattern: 'build.compile', outcome: 'timeout', roundTripMs: 30_000 });
    const metrics = await scrape(registry);
    const labels = { agent: 'codegen-worker', pattern: 'codegen.generate', kind: 'request' };
    expect(sampleValue(metrics, 'cogo_bus_handler_duration_seconds_sum', labels)).toBe(1.5);
    expect(sampleValue(metrics, 'cogo_bus_handler_duration_seconds_bucket', { ...labels, le: '1' })).toBe(0);
    expect(sampleValue(metrics, 'cogo_bus_handler_duration_seconds_bucket', { ...labels, le: '2.5' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_queue_wait_seconds_sum', labels)).toBeCloseTo(0.04);
    const request = { agent: 'codegen-worker', pattern: 'build.compile', outcome: 'timeout' };
    expect(sampleValue(metrics, 'cogo_bus_request_duration_seconds_sum', request)).toBe(30);
    expect(sampleValue(metrics, 'cogo_bus_request_duration_seconds_count', request)).toBe(1);
  });

  it('counts a redelivery when a message starts a second time, and a dead letter when it dies', async () => {
    const { observer, registry } = anObserver();
    observer.messageStarted(started);
    observer.messageSettled({ ...settled, outcome: 'retry' });
    observer.messageStarted({ ...started, attempt: 2 });
    observer.messageSettled({ ...settled, attempt: 2, outcome: 'dead' });
    const metrics = await scrape(registry);
    const labels = { agent: 'codegen-worker', pattern: 'codegen.generate' };
    expect(sampleValue(metrics, 'cogo_bus_redeliveries_total', labels)).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_dead_letters_total', labels)).toBe(1);
  });

  it('counts published events by type', async () => {
    const { observer, registry } = anObserver('orchestrator');
    observer.eventPublished({ type: 'orchestrator.decision', deliveries: 0 });
    observer.eventPublished({ type: 'orchestrator.decision', deliveries: 3 });
    const labels = { agent: 'orchestrator', type: 'orchestrator.decision' };
    expect(sampleValue(await scrape(registry), 'cogo_bus_events_published_total', labels)).toBe(2);
  });

  it('shows the connection state as 1 for the current state and 0 for every other', async () => {
    const { observer, registry } = anObserver();
    const states = async (): Promise<Record<string, number | undefined>> => {
      const metrics = await scrape(registry);
      return Object.fromEntries(
        ['connecting', 'connected', 'disconnected', 'draining', 'closed'].map((state) => [
          state,
          sampleValue(metrics, 'cogo_bus_connection_status', { agent: 'codegen-worker', state }),
        ]),
      );
    };
    expect(await states()).toEqual({ connecting: 0, connected: 0, disconnected: 0, draining: 0, closed: 0 });
    observer.connectionState({ state: 'connected' });
    expect(await states()).toEqual({ connecting: 0, connected: 1, disconnected: 0, draining: 0, closed: 0 });
    observer.connectionState({ state: 'disconnected' });
    expect(await states()).toEqual({ connecting: 0, connected: 0, disconnected: 1, draining: 0, closed: 0 });
  });

  it(`counts patterns past the first ${MAX_PATTERN_LABELS} as "${OTHER_LABEL}"`, async () => {
    const { observer, registry } = anObserver();
    for (let i = 0; i < MAX_PATTERN_LABELS + 50; i++) {
      observer.requestFinished({ pattern: `generated.pattern${i}`, outcome: 'ok', roundTripMs: 1 });
    }
    observer.requestFinished({ pattern: 'generated.pattern0', outcome: 'ok', roundTripMs: 1 });
    const family = (await scrape(registry)).get('cogo_bus_request_duration_seconds');
    const patterns = new Set(family?.samples.map((sample) => sample.labels.pattern));
    expect(patterns.size).toBe(MAX_PATTERN_LABELS + 1);
    expect(patterns.has(OTHER_LABEL)).toBe(true);
    expect(patterns.has(`generated.pattern${MAX_PATTERN_LABELS}`)).toBe(false);
    const count = (pattern: string): number | undefined =>
      family?.samples.find((sample) => sample.name.endsWith('_count') && sample.labels.pattern === pattern)?.value;
    expect(count('generated.pattern0')).toBe(2);
    expect(count(OTHER_LABEL)).toBe(50);
  });

  it('never turns an id into a label value', async () => {
    const { observer, registry } = anObserver();
    observer.requestFinished({ pattern: 'reply.3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b', outcome: 'ok', roundTripMs: 1 });
    observer.eventPublished({ type: 'trace.4bf92f3577b34da6a3ce929d0e0e4736', deliveries: 1 });
    observer.messageSettled({ ...settled, pattern: `x.${'a'.repeat(200)}` });
    const metrics = await scrape(registry);
    expect(
      sampleValue(metrics, 'cogo_bus_request_duration_seconds_count', { pattern: OTHER_LABEL, outcome: 'ok' }),
    ).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_events_published_total', { type: OTHER_LABEL })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_messages_total', { pattern: OTHER_LABEL })).toBe(1);
  });

  it('keeps agents apart when two report into one registry', async () => {
    const registry = new Registry();
    const orchestrator = new PrometheusBusObserver({ agent: 'orchestrator' }, busMetricsIn(registry));
    const worker = new PrometheusBusObserver({ agent: 'indexing-worker' }, busMetricsIn(registry));
    orchestrator.messageStarted(started);
    worker.messageStarted(started);
    worker.messageStarted(started);
    const metrics = await scrape(registry);
    expect(sampleValue(metrics, 'cogo_bus_in_flight', { agent: 'orchestrator' })).toBe(1);
    expect(sampleValue(metrics, 'cogo_bus_in_flight', { agent: 'indexing-worker' })).toBe(2);
  });
});
