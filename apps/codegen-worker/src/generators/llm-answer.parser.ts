import type { CodeSpecDto } from '@cogo/contracts';
import { loadExpressionValidator } from '../expression/load-expression-validator';
import { excerpt } from '../http/redact-secrets';

export type LlmAnswer =
  | {
      readonly ok: true;
      /** Function name -> validated body expression. */ readonly expressions: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a chat-completions answer strictly: the message content must be the JSON object the
 * prompt asks for (a single surrounding ```json fence, which models add out of habit, is the
 * only tolerance), with exactly one entry per spec function, and every body must pass the same
 * expression rules as a spec's own expression.
 */
export function parseLlmAnswer(body: string, spec: CodeSpecDto): LlmAnswer {
  const completion = parseJson(body);
  if (completion === undefined) return fail(`the endpoint's answer is not JSON: ${excerpt(body)}`);
  const choice = first(field(completion, 'choices'));
  const message = field(choice, 'message');
  if (field(choice, 'finish_reason') === 'length') return fail('the answer was cut off at the token limit');
  const refusal = field(message, 'refusal');
  if (typeof refusal === 'string' && refusal !== '') return fail(`the model refused: ${excerpt(refusal)}`);
  const content = field(message, 'content');
  if (typeof content !== 'string') return fail('the answer has no choices[0].message.content text');

  const answer = parseJson(unfence(content));
  const entries = field(answer, 'functions');
  if (!Array.isArray(entries)) {
    return fail(`the content is not {"functions":[{"name","body"}]}: ${excerpt(content)}`);
  }

  const expressions = new Map<string, string>();
  const wanted = new Set(spec.functions.map((fn) => fn.name));
  for (const [index, entry] of entries.entries()) {
    const name = field(entry, 'name');
    const bodyText = field(entry, 'body');
    if (typeof name !== 'string' || typeof bodyText !== 'string') {
      return fail(`functions[${index}] needs a string "name" and a string "body"`);
    }
    if (!wanted.has(name))
      return fail(`functions[${index}] is "${excerpt(name, 64)}", which the spec does not declare`);
    if (expressions.has(name)) return fail(`function "${name}" is answered twice`);
    const fn = spec.functions.find((each) => each.name === name)!;
    const { scopeFor, validateExpression } = loadExpressionValidator();
    const check = validateExpression(bodyText, scopeFor(spec, fn));
    if (!check.ok) {
      return fail(`the body of function "${name}" is not allowed at "${check.token}": ${check.reason}`);
    }
    expressions.set(name, check.expression);
  }
  const missing = [...wanted].filter((name) => !expressions.has(name));
  if (missing.length > 0) return fail(`no body for function(s) ${missing.map((name) => `"${name}"`).join(', ')}`);
  return { ok: true, expressions };
}

function fail(problem: string): LlmAnswer {
  return { ok: false, problem };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}

function unfence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  return fenced ? fenced[1] : content.trim();
}
