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

/** An OpenAI-compatible chat-completions endpoint, the codegen worker's optional `llm` generator. */
export interface LlmConfig {
  /** Up to and including the API version, e.g. `https://api.openai.com/v1`; no trailing slash. */
  readonly baseUrl: string;
  /** A secret: never logged, never part of an error message. Local servers may need none. */
  readonly apiKey?: string;
  readonly model: string;
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
  /** Absent unless LLM_BASE_URL is set. */
  readonly llm?: LlmConfig;
  readonly artifactsBase: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly version: string;
}
