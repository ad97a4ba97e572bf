import type { BusClientOptions } from '../client/bus.client';
import type { BusServerOptions } from '../server/bus.server';
import type { BusDriver } from './bus-driver.interface';

export interface BusModuleOptions {
  /** Agent name = consumer group of requests and events. */
  readonly agent: string;
  /** Unique per process = recipient of this instance's replies. */
  readonly instanceId: string;
  readonly version: string;
  /** What this agent can do, for routing by the executor-dispatcher (`agent_instances.capabilities`). */
  readonly capabilities?: readonly string[];
  /** How often presence is refreshed in `agent_instances`. */
  readonly heartbeatMs?: number;
  /** Pattern -> consumer group for `send()`; `'prefix.*'` entries match by prefix. */
  readonly routes?: Readonly<Record<string, string>>;
  /** Tuning of the server side (concurrency, lease, poll interval, drain timeout, retry base). */
  readonly server?: Omit<BusServerOptions, 'group' | 'instanceId' | 'onPatterns'>;
  /** Tuning of the client side (default timeout, max attempts, payload limit). */
  readonly client?: Omit<BusClientOptions, 'group' | 'instanceId' | 'routes'>;
  /** Makes the driver; it is closed when the application shuts down. */
  readonly driver: () => BusDriver;
}
