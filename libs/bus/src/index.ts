export { BUS_DRIVER, BUS_MODULE_OPTIONS } from './bus.constants';
export { BusModule } from './bus.module';
export { PostgresDriver, type PostgresDriverOptions } from './drivers/postgres/postgres.driver';
export type { BusDriver, WakeupHandlers, WakeupState } from './interfaces/bus-driver.interface';
export type * from './interfaces/bus-message.interface';
export type { BusModuleOptions } from './interfaces/bus-module-options.interface';
export { PresenceService } from './presence/presence.service';
export { startAgent } from './bootstrap/start-agent';
export { busOptionsFor } from './bus-agent.options';
