import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_DRIVER, BUS_MODULE_OPTIONS } from './bus.constants';
import { BusClient } from './client/bus.client';
import type { BusDriver } from './interfaces/bus-driver.interface';
import type { BusModuleOptions } from './interfaces/bus-module-options.interface';
import { BUS_OBSERVER, type BusObserver } from './interfaces/bus-observer.interface';
import { PresenceService } from './presence/presence.service';
import { BusServer } from './server/bus.server';

/**
 * Wires the bus into an agent: the driver, this instance's presence, a `BusClient` to inject
 * wherever something is sent, and the `BusServer` that `startAgent` connects as the app's
 * microservice transport.
 */
@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(
    @Inject(BUS_DRIVER) private readonly driver: BusDriver,
    private readonly client: BusClient,
  ) {}

  static forRoot(options: BusModuleOptions): DynamicModule {
    return {
      module: BusModule,
      providers: [
        { provide: BUS_MODULE_OPTIONS, useValue: options },
        { provide: BUS_DRIVER, useFactory: () => options.driver() },
        PresenceService,
        {
          provide: BusClient,
          inject: [BUS_DRIVER, { token: BUS_OBSERVER, optional: true }],
          useFactory: (driver: BusDriver, observer?: BusObserver) =>
            new BusClient(driver, {
              ...options.client,
              observer,
              group: options.agent,
              instanceId: options.instanceId,
              routes: options.routes,
            }),
        },
        {
          provide: BusServer,
          inject: [BUS_DRIVER, PresenceService, { token: BUS_OBSERVER, optional: true }],
          useFactory: (driver: BusDriver, presence: PresenceService, observer?: BusObserver) =>
            new BusServer(driver, {
              ...options.server,
              observer,
              group: options.agent,
              instanceId: options.instanceId,
              onPatterns: (patterns) => presence.addPatterns(patterns),
            }),
        },
      ],
      exports: [BUS_DRIVER, BUS_MODULE_OPTIONS, PresenceService, BusClient, BusServer],
    };
  }

  /** After the server has drained (Nest closes microservices before this hook). */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.driver.close();
  }
}
