import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@cogo/config';
import type { CodeSpecDto } from '@cogo/contracts';
import { GeneratorBadAnswerException } from '../errors/generator-bad-answer.exception';
import { GeneratorNotConfiguredException } from '../errors/generator-not-configured.exception';
import { joinUrl } from '../http/display-url';
import { redactSecrets } from '../http/redact-secrets';
import { HttpRepository } from '../repositories/http.repository';
import { renderModuleSource } from '../workspace/module-source.renderer';
import type { CodeGenerator, GeneratedModule, GenerationContext } from './code-generator.interface';
import { callFailure, type EndpointPolicy, statusFailure } from './endpoint-failure.mapper';
import { parseLlmAnswer } from './llm-answer.parser';
import { buildChatRequest } from './llm-prompt.builder';

/** A chat completion carries a few kilobytes of JSON; anything far larger is not an answer. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Asks an OpenAI-compatible chat-completions endpoint (LLM_BASE_URL, LLM_MODEL, LLM_API_KEY) for
 * one body expression per function, and accepts them only if they pass the expression rules.
 *
 * A malformed answer is retryable: the model samples a new answer on the next attempt, and the
 * bus bounds the attempts (max_attempts, with backoff).
 */
@Injectable()
export class LlmGenerator implements CodeGenerator {
  readonly name = 'llm';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpRepository,
  ) {}

  async generate(spec: CodeSpecDto, context: GenerationContext): Promise<GeneratedModule> {
    const llm = this.config.llm;
    if (!llm) {
      throw new GeneratorNotConfiguredException(
        this.name,
        'set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY if the endpoint needs one)',
      );
    }
    const policy: EndpointPolicy = {
      generator: this.name,
      timeoutSetting: 'LLM_TIMEOUT_MS',
      timeoutMs: llm.timeoutMs,
      badAnswerRetryable: true,
      secrets: [llm.apiKey],
      hints: {
        401: 'Check LLM_API_KEY.',
        403: 'Check LLM_API_KEY and that it may use LLM_MODEL.',
        404: 'Check LLM_BASE_URL (it includes the API version, e.g. https://api.openai.com/v1) and LLM_MODEL.',
        default: "Check LLM_MODEL and the endpoint's documentation.",
      },
    };

    let response;
    try {
      response = await this.http.request({
        method: 'POST',
        url: joinUrl(llm.baseUrl, 'chat/completions'),
        headers: llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {},
        json: buildChatRequest(spec, llm.model),
        timeoutMs: llm.timeoutMs,
        signal: context.signal,
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
    } catch (error) {
      throw callFailure(policy, error);
    }
    if (response.status < 200 || response.status > 299) throw statusFailure(policy, response.status, response.body);

    const answer = parseLlmAnswer(response.body, spec);
    if (!answer.ok) {
      throw new GeneratorBadAnswerException(this.name, redactSecrets(answer.problem, policy.secrets), true);
    }
    return { files: [renderModuleSource(spec, answer.expressions, this.name)] };
  }
}
