import type { CodeSpecDto } from '@cogo/contracts';

/**
 * The spec as a plain object with a fixed key order, whatever order the request used: written as
 * `spec.json` and sent to remote generators, so the same spec always gives the same bytes.
 */
export function canonicalSpec(spec: CodeSpecDto): Record<string, unknown> {
  return {
    module: spec.module,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    functions: spec.functions.map((fn) => ({
      name: fn.name,
      ...(fn.description === undefined ? {} : { description: fn.description }),
      params: fn.params.map((parameter) => ({ name: parameter.name, type: parameter.type })),
      returns: fn.returns,
      ...(fn.expression === undefined ? {} : { expression: fn.expression }),
      examples: fn.examples.map((example) => ({ args: example.args, expected: example.expected })),
    })),
  };
}
