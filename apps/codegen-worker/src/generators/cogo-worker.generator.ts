import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import type { CodeSpecDto } from '@cogo/contracts';
import { GeneratorBadAnswerException } from '../errors/generator-bad-answer.exception';
import { GeneratorNotConfiguredException } from '../errors/generator-not-configured.exception';
import { joinUrl } from '../http/display-url';
import { redactSecrets } from '../http/redact-secrets';
import { HttpRepository } from '../repositories/http.repository';
import { canonicalSpec } from '../spec/canonical-spec';
import type { CodeGenerator, GeneratedModule, GenerationContext } from './code-generator.interface';
import { parseCogoWorkerAnswer } from './cogo-worker-answer.parser';
import { callFailure, type EndpointPolicy, statusFailure } from './endpoint-failure.mapper';

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * The optional Python cogo-worker (ENABLE_COGO_WORKER, COGO_WORKER_URL, COGO_WORKER_TIMEOUT_MS):
 * `POST {url}/generate` with the spec, answered by the module's source files (contract in the
 * README).
 *
 * A malformed answer is not retried: the worker is a program, and the same spec would get the
 * same wrong answer; the caller should see the contract break at once.
 */
@Injectable()
export class CogoWorkerGenerator implements CodeGenerator {
  readonly name = 'cogo-worker';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpRepository,
  ) {}

  async generate(spec: CodeSpecDto, context: GenerationContext): Promise<GeneratedModule> {
    const { enabled, url, timeoutMs } = this.config.cogoWorker;
    if (!enabled || !url) {
      throw new GeneratorNotConfiguredException(this.name, 'set ENABLE_COGO_WORKER=true and COGO_WORKER_URL');
    }
    const policy: EndpointPolicy = {
      generator: this.name,
      timeoutSetting: 'COGO_WORKER_TIMEOUT_MS',
      timeoutMs,
      badAnswerRetryable: false,
      secrets: urlSecrets(url),
      hints: {
        404: 'Check COGO_WORKER_URL: the worker must serve POST /generate.',
        default: 'The cogo-worker refused this spec; fix the spec or use another generator.',
      },
    };

    let response;
    try {
      response = await this.http.request({
        method: 'POST',
        url: joinUrl(url, 'generate'),
        json: { spec: canonicalSpec(spec), trace_id: context.traceId },
        timeoutMs,
        signal: context.signal,
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      throw callFailure(policy, error);
    }
    if (response.status < 200 || response.status > 299) throw statusFailure(policy, response.status, response.body);

    const answer = parseCogoWorkerAnswer(response.body, spec);
    if (!answer.ok)
      throw new GeneratorBadAnswerException(this.name, redactSecrets(answer.problem, policy.secrets), false);
    return { files: answer.files };
  }
}

/** A password in COGO_WORKER_URL, which a misbehaving server could echo back. */
function urlSecrets(url: string): string[] {
  const parsed = new URL(url);
  return parsed.password ? [decodeURIComponent(parsed.password), parsed.password] : [];
}
