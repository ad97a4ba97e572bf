export {
  AGENT_NAMES,
  type AgentName,
  type AppConfig,
  type AppMode,
  type BusDriverName,
  type CogoWorkerConfig,
  type SupabaseConfig,
} from './app-config';
export { APP_CONFIG, ConfigModule } from './config.module';
export { ConfigError } from './errors/config.error';
export { loadConfig } from './load-config';
