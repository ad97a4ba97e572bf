import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import {
  Capabilities,
  CodegenGenerateDto,
  IndexRepositoryDto,
  type PlanStep,
  type WorkflowTemplate,
} from '@cogo/contracts';

/** A workflow template: what it needs and the steps it runs. */
export interface TemplateDefinition {
  readonly name: WorkflowTemplate;
  readonly description: string;
  /** Shape of the input, for people (the dev API lists it). */
  readonly input: Readonly<Record<string, string>>;
  /** Problems with an input, each naming the field; empty when it is fine. */
  validate(input: Record<string, unknown>): string[];
  steps(input: Record<string, unknown>): PlanStep[];
}

/** `{"$from": "<step>.<field>"}`: the value comes from an earlier step's output. */
const from = (reference: string): { $from: string } => ({ $from: reference });

const CODE_BUILD_TEST: TemplateDefinition = {
  name: 'codeBuildTest',
  description:
    'Generate a TypeScript module from a spec (codegen), compile it (build), run its generated tests (test). Build and test get the workspace from the codegen step.',
  input: {
    spec: 'CodeSpec: {module, functions: [{name, params, returns, expression?, examples}]}',
    generator: 'template | llm | cogo-worker (optional)',
  },
  validate: (input) => problemsOf(CodegenGenerateDto, input),
  steps: (input) => [
    {
      name: 'generate',
      capability: Capabilities.CodegenGenerate,
      input: { spec: input.spec, ...(input.generator ? { generator: input.generator } : {}) },
    },
    { name: 'compile', capability: Capabilities.BuildCompile, input: { workspace: from('generate.workspace') } },
    { name: 'test', capability: Capabilities.TestRun, input: { workspace: from('generate.workspace') } },
  ],
};

const INDEXING: TemplateDefinition = {
  name: 'indexing',
  description: 'Index a source tree (files and TypeScript/JavaScript symbols) into Postgres, incrementally.',
  input: { root: 'directory to index', repository: 'name in the index (optional)' },
  validate: (input) => problemsOf(IndexRepositoryDto, input),
  steps: (input) => [
    {
      name: 'index',
      capability: Capabilities.IndexRepository,
      input: { root: input.root, ...(input.repository ? { repository: input.repository } : {}) },
    },
  ],
};

export const TEMPLATES: Readonly<Record<WorkflowTemplate, TemplateDefinition>> = {
  codeBuildTest: CODE_BUILD_TEST,
  indexing: INDEXING,
};

function problemsOf(dto: new () => object, input: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(dto, input), { whitelist: true, forbidNonWhitelisted: true });
  return flatten(errors, '');
}

function flatten(errors: readonly ValidationError[], path: string): string[] {
  return errors.flatMap((error) => {
    const field = path ? `${path}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => `${field}: ${text}`);
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Replaces `{"$from": "step.field"}` values with the named step outputs. */
export function resolveStepInput(
  input: Record<string, unknown>,
  outputs: ReadonlyMap<string, unknown>,
): Record<string, unknown> {
  const resolveValue = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveValue);
    if (value && typeof value === 'object') {
      const reference = (value as { $from?: unknown }).$from;
      if (typeof reference === 'string') {
        const [step, ...path] = reference.split('.');
        let current: unknown = outputs.get(step);
        for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
        if (current === undefined)
          throw new Error(`step input refers to ${reference}, which the earlier steps did not produce`);
        return current;
      }
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolveValue(inner)]));
    }
    return value;
  };
  return resolveValue(input) as Record<string, unknown>;
}
