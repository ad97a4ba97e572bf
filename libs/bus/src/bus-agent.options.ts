import type { AppConfig } from '@cogo/config';
import { PostgresDriver } from './drivers/postgres/postgres.driver';
import { SupabaseDriver } from './drivers/supabase/supabase.driver';
import type { BusModuleOptions } from './interfaces/bus-module-options.interface';

/**
 * The bus options of an agent, from its parsed configuration: the driver that BUS_DRIVER names,
 * this instance's identity and what it can do.
 */
export function busOptionsFor(config: AppConfig, capabilities: readonly string[] = []): BusModuleOptions {
  return {
    agent: config.agent,
    instanceId: config.instanceId,
    version: config.version,
    capabilities,
    driver: () => {
      switch (config.busDriver) {
        case 'postgres':
          return new PostgresDriver({
            connectionString: config.databaseUrl ?? '',
            applicationName: config.instanceId,
          });
        case 'supabase':
          if (!config.supabase) {
            throw new Error(
              'BUS_DRIVER=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (Project Settings > API).',
            );
          }
          return new SupabaseDriver({ url: config.supabase.url, serviceRoleKey: config.supabase.serviceRoleKey });
      }
    },
  };
}
