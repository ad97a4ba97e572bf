import type { CodeSpecDto, GeneratorName } from '@cogo/contracts';
import type { WorkspaceFile } from '../workspace/workspace-file';

/** What a generator knows about the request it serves. */
export interface GenerationContext {
  /** The request's trace: names the workspace and travels to remote generators. */
  readonly traceId: string;
  /** Aborted when the bus lease is lost or the worker stops: remote calls give up. */
  readonly signal?: AbortSignal;
}

/** The implementation of a module; the tests and build files are added around it. */
export interface GeneratedModule {
  /** Paths under `src/`; `src/<module>.ts` is always one of them. */
  readonly files: readonly WorkspaceFile[];
}

/** One way of writing a module's implementation from its spec (the spec is already validated). */
export interface CodeGenerator {
  readonly name: GeneratorName;
  generate(spec: CodeSpecDto, context: GenerationContext): Promise<GeneratedModule>;
}
