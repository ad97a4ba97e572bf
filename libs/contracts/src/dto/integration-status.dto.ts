/** Reachability of the optional Python cogo-worker generator. */
export interface CogoWorkerStatus {
  /** ENABLE_COGO_WORKER. */
  readonly enabled: boolean;
  /** COGO_WORKER_URL without credentials; null when unset. */
  readonly url: string | null;
  /** Whether `GET {url}/health` answered 2xx in time; null when there is no URL to check. */
  readonly reachable: boolean | null;
  readonly latencyMs: number | null;
  /** Why it is not reachable, in words. */
  readonly error?: string;
}

/** Reachability of the optional OpenAI-compatible LLM generator (checked without spending tokens). */
export interface LlmStatus {
  /** LLM_BASE_URL and LLM_MODEL are set. */
  readonly configured: boolean;
  /** LLM_BASE_URL without credentials; null when unset. */
  readonly baseUrl: string | null;
  readonly model: string | null;
  /** Whether `GET {baseUrl}/models` answered 2xx in time; null when not configured. */
  readonly reachable: boolean | null;
  readonly latencyMs: number | null;
  readonly error?: string;
}

/** Answer of `codegen.integration-status` (payload `{}`); served by the dev API at /api/integration/status. */
export interface IntegrationStatus {
  readonly cogoWorker: CogoWorkerStatus;
  readonly llm: LlmStatus;
}
