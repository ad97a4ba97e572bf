/** The agents of the system; each is its own Nest application and its own consumer group. */
export const AGENT_NAMES = [
  'orchestrator',
  'executor-dispatcher',
  'codegen-worker',
  'build-test-worker',
  'indexing-worker',
] as const;

export type AgentName = (typeof AGENT_NAMES)[number];

export type AppMode = 'development' | 'production';

export type BusDriverName = 'postgres' | 'supabase';

export interface SupabaseConfig {
  readonly url: string;
  /** A secret: never logged, never part of an error message. */
  readonly serviceRoleKey: string;
}

export interface CogoWorkerConfig {
  readonly enabled: boolean;
  readonly url?: string;
  readonly timeoutMs: number;
}

/** The typed environment, parsed once at boot by `loadConfig`. */
export interface AppConfig {
  readonly agent: AgentName;
  /** Unique per process; the recipient of this instance's replies. */
  readonly instanceId: string;
  readonly mode: AppMode;
  readonly port: number;
  /** Interface the HTTP server binds: loopback in development, all interfaces in production. */
  readonly host: string;
  readonly busDriver: BusDriverName;
  readonly databaseUrl?: string;
  readonly supabase?: SupabaseConfig;
  readonly cogoWorker: CogoWorkerConfig;
  readonly artifactsBase: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly version: string;
}
