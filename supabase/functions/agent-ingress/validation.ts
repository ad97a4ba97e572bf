/**
 * The request body of `POST /functions/v1/agent-ingress`, checked field by field so that a caller
 * learns every problem at once. Unknown fields are refused: a misspelt `idempotency_key` must not
 * silently turn a safe retry into a second request.
 */

export const WORKFLOW_TEMPLATES = ['indexing', 'codeBuildTest'] as const;
export type WorkflowTemplate = (typeof WORKFLOW_TEMPLATES)[number];

export const INTENT_MAX_CHARS = 2000;
export const IDEMPOTENCY_KEY_MAX_CHARS = 200;

/** A valid body, in TypeScript's spelling. */
export interface IntakeRequest {
  readonly intent: string;
  readonly template?: WorkflowTemplate;
  readonly input?: Readonly<Record<string, unknown>>;
  readonly idempotencyKey?: string;
}

export interface FieldProblem {
  /** The field as spelt on the wire; `$` is the body itself. */
  readonly field: string;
  readonly problem: string;
}

export type IntakeValidation =
  | { readonly ok: true; readonly value: IntakeRequest }
  | { readonly ok: false; readonly fields: readonly FieldProblem[] };

const KNOWN_FIELDS = ['intent', 'template', 'input', 'idempotency_key'];

export function validateIntakeRequest(body: unknown): IntakeValidation {
  if (!isPlainObject(body)) {
    return {
      ok: false,
      fields: [{ field: '$', problem: `must be a JSON object with the fields ${KNOWN_FIELDS.join(', ')}` }],
    };
  }
  const problems: FieldProblem[] = [];

  const { intent, template, input, idempotency_key: idempotencyKey } = body;
  if (intent === undefined) {
    problems.push({ field: 'intent', problem: 'is required: say what you want done, in 1 to 2000 characters' });
  } else if (typeof intent !== 'string') {
    problems.push({ field: 'intent', problem: `must be a string, not ${describe(intent)}` });
  } else if (intent.trim() === '') {
    problems.push({ field: 'intent', problem: 'must not be empty or only whitespace' });
  } else if (charCount(intent) > INTENT_MAX_CHARS) {
    problems.push({
      field: 'intent',
      problem: `is ${charCount(intent)} characters long; shorten it to at most ${INTENT_MAX_CHARS}`,
    });
  }

  if (template !== undefined && !WORKFLOW_TEMPLATES.includes(template as WorkflowTemplate)) {
    problems.push({
      field: 'template',
      problem: `must be one of ${WORKFLOW_TEMPLATES.map((name) => `"${name}"`).join(', ')}, or left out to let the orchestrator choose`,
    });
  }

  if (input !== undefined && !isPlainObject(input)) {
    problems.push({ field: 'input', problem: `must be a JSON object, not ${describe(input)}` });
  }

  if (idempotencyKey !== undefined) {
    if (typeof idempotencyKey !== 'string') {
      problems.push({ field: 'idempotency_key', problem: `must be a string, not ${describe(idempotencyKey)}` });
    } else if (idempotencyKey.length === 0 || charCount(idempotencyKey) > IDEMPOTENCY_KEY_MAX_CHARS) {
      problems.push({
        field: 'idempotency_key',
        problem: `must be 1 to ${IDEMPOTENCY_KEY_MAX_CHARS} characters long; a UUID per logical request works well`,
      });
    }
  }

  for (const field of Object.keys(body)) {
    if (!KNOWN_FIELDS.includes(field)) {
      problems.push({ field, problem: `is not a known field; the known fields are ${KNOWN_FIELDS.join(', ')}` });
    }
  }

  if (problems.length > 0) return { ok: false, fields: problems };
  return {
    ok: true,
    value: {
      intent: intent as string,
      ...(template === undefined ? {} : { template: template as WorkflowTemplate }),
      ...(input === undefined ? {} : { input: input as Record<string, unknown> }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey: idempotencyKey as string }),
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Characters as Postgres counts them (code points), not UTF-16 units. */
function charCount(text: string): number {
  return Array.from(text).length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
