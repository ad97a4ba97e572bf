import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's process and Node.js runtime metrics (CPU, memory, heap, event loop lag, GC,
 * handles), under their standard names (`process_*`, `nodejs_*`) so that the usual dashboards
 * and alerts work unchanged. Once per registry: a second call would register them twice.
 */
export function collectProcessMetrics(registry: Registry): void {
  if (registry.getSingleMetric('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics({ register: registry });
}
