/** Error codes of `codegen.generate`, carried by the error reply (see the worker's README). */
export const CodegenErrorCode = {
  /** The spec cannot be generated as given (bad example types, a forbidden expression). Not retried. */
  InvalidSpec: 'INVALID_SPEC',
  /** The requested generator is switched off or has no endpoint configured. Not retried. */
  GeneratorNotConfigured: 'GENERATOR_NOT_CONFIGURED',
  /** The generator's endpoint did not answer within its timeout. Retried. */
  GeneratorTimeout: 'GENERATOR_TIMEOUT',
  /** The endpoint could not be reached or failed on its side (connection refused, 5xx, 429). Retried. */
  GeneratorUnavailable: 'GENERATOR_UNAVAILABLE',
  /** The endpoint refused the request (4xx): a key, model or URL to fix. Not retried. */
  GeneratorRejected: 'GENERATOR_REJECTED',
  /** The endpoint answered, but not with what the contract asks for. */
  GeneratorBadAnswer: 'GENERATOR_BAD_ANSWER',
  /** A path would leave ARTIFACTS_BASE or the workspace. Not retried. */
  UnsafeArtifactPath: 'UNSAFE_ARTIFACT_PATH',
  /** The file system refused a write (disk full, permissions). Retried. */
  ArtifactWriteFailed: 'ARTIFACT_WRITE_FAILED',
} as const;

/** The generators that call an endpoint over HTTP. */
export type RemoteGenerator = 'llm' | 'cogo-worker';
