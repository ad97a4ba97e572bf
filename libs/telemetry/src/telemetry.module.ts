import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { BUS_OBSERVER } from '@cogo/bus';
import { BUS_METRICS, busMetricsIn } from './metrics/bus-metrics';
import { collectProcessMetrics } from './metrics/process-metrics';
import { PrometheusBusObserver } from './metrics/prometheus-bus.observer';

/**
 * Prometheus for an agent: `GET /metrics` (prom-client's default registry: the `cogo_bus_*`
 * metrics and the standard process metrics), and the `BUS_OBSERVER` that `BusModule` hands to
 * its server and client. Global, so `BusModule` finds the observer without importing this
 * module; `HealthModule` imports it, so every agent has it. Needs `BusModule` (the agent name).
 *
 * `/metrics` sits outside any authentication, like `/health`: scrapers do not log in. It is
 * served in every mode.
 */
@Global()
@Module({
  // Default metrics are collected in onModuleInit, once per process, not when this file is loaded.
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: false } })],
  providers: [
    { provide: BUS_METRICS, useFactory: () => busMetricsIn(register) },
    PrometheusBusObserver,
    { provide: BUS_OBSERVER, useExisting: PrometheusBusObserver },
  ],
  exports: [BUS_METRICS, BUS_OBSERVER, PrometheusBusObserver],
})
export class TelemetryModule implements OnModuleInit {
  onModuleInit(): void {
    collectProcessMetrics(register);
  }
}
