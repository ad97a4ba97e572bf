import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import type { CogoWorkerStatus, IntegrationStatus, LlmStatus } from '@cogo/contracts';
import { displayUrl, joinUrl } from '../http/display-url';
import { errorExplanation } from '../http/error-explanation';
import { excerpt, redactSecrets } from '../http/redact-secrets';
import { HttpRepository, type HttpRequest } from '../repositories/http.repository';

/** A status page must answer quickly even when an endpoint hangs. */
export const PROBE_TIMEOUT_MS = 2_000;

interface Probe {
  readonly reachable: boolean;
  readonly latencyMs: number | null;
  readonly error?: string;
}

/**
 * `codegen.integration-status`: whether the optional generators can be reached from this worker,
 * checked without generating anything (`GET /health` of the cogo-worker, `GET /models` of the LLM
 * endpoint: no tokens spent). URLs are reported without credentials; keys never leave.
 */
@Injectable()
export class IntegrationStatusService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpRepository,
  ) {}

  async status(): Promise<IntegrationStatus> {
    const [cogoWorker, llm] = await Promise.all([this.cogoWorker(), this.llm()]);
    return { cogoWorker, llm };
  }

  private async cogoWorker(): Promise<CogoWorkerStatus> {
    const { enabled, url, timeoutMs } = this.config.cogoWorker;
    if (!url) return { enabled, url: null, reachable: null, latencyMs: null };
    const probe = await this.probe(
      { method: 'GET', url: joinUrl(url, 'health'), timeoutMs: Math.min(PROBE_TIMEOUT_MS, timeoutMs) },
      [new URL(url).password],
    );
    return { enabled, url: displayUrl(url), ...probe };
  }

  private async llm(): Promise<LlmStatus> {
    const llm = this.config.llm;
    if (!llm) return { configured: false, baseUrl: null, model: null, reachable: null, latencyMs: null };
    const probe = await this.probe(
      {
        method: 'GET',
        url: joinUrl(llm.baseUrl, 'models'),
        headers: llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {},
        timeoutMs: Math.min(PROBE_TIMEOUT_MS, llm.timeoutMs),
      },
      [llm.apiKey, new URL(llm.baseUrl).password],
    );
    return { configured: true, baseUrl: displayUrl(llm.baseUrl), model: llm.model, ...probe };
  }

  /** Reachable means a 2xx answer in time; anything else is explained in `error`. */
  private async probe(request: HttpRequest, secrets: readonly (string | undefined)[]): Promise<Probe> {
    try {
      const response = await this.http.request({ ...request, maxResponseBytes: 256 * 1024 });
      if (response.status >= 200 && response.status <= 299) return { reachable: true, latencyMs: response.durationMs };
      const said = redactSecrets(excerpt(errorExplanation(response.body), 120), secrets);
      return {
        reachable: false,
        latencyMs: response.durationMs,
        error: `${displayUrl(request.url)} answered HTTP ${response.status}${said ? `: ${said}` : ''}`,
      };
    } catch (error) {
      return { reachable: false, latencyMs: null, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
