import { Registry } from 'prom-client';
import { DURATION_BUCKETS_SECONDS, busMetricsIn } from './bus-metrics';
import { parseExposition } from './exposition.parser';

describe(busMetricsIn.name, () => {
  it('creates the cogo_bus metrics once per registry and shares them after that', () => {
    const registry = new Registry();
    const first = busMetricsIn(registry);
    const second = busMetricsIn(registry);
    expect(second.messages).toBe(first.messages);
    expect(second.connectionStatus).toBe(first.connectionStatus);
    expect(busMetricsIn(new Registry()).messages).not.toBe(first.messages);
  });

  it('declares every metric with HELP and the right TYPE', async () => {
    const registry = new Registry();
    busMetricsIn(registry);
    const families = parseExposition(await registry.metrics());
    expect(Object.fromEntries([...families.values()].map((family) => [family.name, family.type]))).toEqual({
      cogo_bus_messages_total: 'counter',
      cogo_bus_handler_duration_seconds: 'histogram',
      cogo_bus_queue_wait_seconds: 'histogram',
      cogo_bus_request_duration_seconds: 'histogram',
      cogo_bus_in_flight: 'gauge',
      cogo_bus_redeliveries_total: 'counter',
      cogo_bus_dead_letters_total: 'counter',
      cogo_bus_events_published_total: 'counter',
      cogo_bus_connection_status: 'gauge',
    });
    for (const family of families.values()) expect(family.help).toMatch(/\w{3,}/);
  });

  it('buckets durations from milliseconds to ten minutes, in increasing order', () => {
    expect(DURATION_BUCKETS_SECONDS[0]).toBeLessThanOrEqual(0.005);
    expect(DURATION_BUCKETS_SECONDS.at(-1)).toBe(600);
    expect([...DURATION_BUCKETS_SECONDS].sort((a, b) => a - b)).toEqual(DURATION_BUCKETS_SECONDS);
  });
});
