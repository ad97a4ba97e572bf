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
  /** Makes the driver; it is closed when the application shuts down. */
  readonly driver: () => BusDriver;
}
