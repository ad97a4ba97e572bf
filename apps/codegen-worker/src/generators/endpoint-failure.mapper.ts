import type { RemoteGenerator } from '../errors/codegen-error-codes';
import { GeneratorBadAnswerException } from '../errors/generator-bad-answer.exception';
import { GeneratorRejectedException } from '../errors/generator-rejected.exception';
import { GeneratorTimeoutException } from '../errors/generator-timeout.exception';
import { GeneratorUnavailableException } from '../errors/generator-unavailable.exception';
import { HttpAbortedError } from '../errors/http-aborted.error';
import { HttpConnectionError } from '../errors/http-connection.error';
import { HttpResponseTooLargeError } from '../errors/http-response-too-large.error';
import { HttpTimeoutError } from '../errors/http-timeout.error';
import { errorExplanation } from '../http/error-explanation';
import { excerpt, redactSecrets } from '../http/redact-secrets';

export interface EndpointPolicy {
  readonly generator: RemoteGenerator;
  /** The setting to raise when calls time out (`LLM_TIMEOUT_MS`). */
  readonly timeoutSetting: string;
  readonly timeoutMs: number;
  /** Whether asking again can give a usable answer (see GENERATOR_BAD_ANSWER in the README). */
  readonly badAnswerRetryable: boolean;
  /** Values that must never appear in a message (an API key, a URL password). */
  readonly secrets: readonly (string | undefined)[];
  /** What to check for a 4xx answer, by status; `default` otherwise. */
  readonly hints: Readonly<Record<number | 'default', string>>;
}

/** A failed call (no HTTP answer) as the generator error the caller should see. */
export function callFailure(policy: EndpointPolicy, error: unknown): Error {
  if (error instanceof HttpTimeoutError) {
    return new GeneratorTimeoutException(policy.generator, policy.timeoutMs, policy.timeoutSetting);
  }
  if (error instanceof HttpConnectionError) {
    return new GeneratorUnavailableException(policy.generator, `cannot connect to ${error.url} (${error.reason})`);
  }
  if (error instanceof HttpAbortedError) {
    return new GeneratorUnavailableException(
      policy.generator,
      'the call was abandoned: this worker lost its lease or is stopping',
    );
  }
  if (error instanceof HttpResponseTooLargeError) {
    return new GeneratorBadAnswerException(policy.generator, error.message, policy.badAnswerRetryable);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * An HTTP error status as the generator error the caller should see: overload and server
 * failures are retried, refusals are not. The endpoint's own explanation is quoted, with secrets
 * removed.
 */
export function statusFailure(policy: EndpointPolicy, status: number, body: string): Error {
  const detail = redactSecrets(excerpt(errorExplanation(body)), policy.secrets);
  const said = detail ? `: ${detail}` : '';
  if (status === 408 || status === 429 || status >= 500) {
    return new GeneratorUnavailableException(policy.generator, `it answered HTTP ${status}${said}`, status);
  }
  if (status >= 400) {
    const hint = policy.hints[status] ?? policy.hints.default;
    return new GeneratorRejectedException(policy.generator, status, `${detail || 'no explanation given'}. ${hint}`);
  }
  return new GeneratorBadAnswerException(
    policy.generator,
    `expected HTTP 200, got HTTP ${status}${said}`,
    policy.badAnswerRetryable,
  );
}
