import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_DRIVER, BUS_MODULE_OPTIONS } from './bus.constants';
import type { BusDriver } from './interfaces/bus-driver.interface';
import type { BusModuleOptions } from './interfaces/bus-module-options.interface';
import { PresenceService } from './presence/presence.service';

/** Wires the bus driver and this instance's presence into an agent. */
@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(BUS_DRIVER) private readonly driver: BusDriver) {}

  static forRoot(options: BusModuleOptions): DynamicModule {
    return {
      module: BusModule,
      providers: [
        { provide: BUS_MODULE_OPTIONS, useValue: options },
        { provide: BUS_DRIVER, useFactory: () => options.driver() },
        PresenceService,
      ],
      exports: [BUS_DRIVER, BUS_MODULE_OPTIONS, PresenceService],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
