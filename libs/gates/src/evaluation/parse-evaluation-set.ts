import { EvaluationSetError } from '../errors/evaluation-set.error';
import {
  EVALUATION_KINDS,
  EVALUATION_SET_PATH,
  WORKFLOW_TEMPLATES,
  type EvaluationCase,
  type EvaluationKind,
  type WorkflowTemplate,
} from './evaluation-case';

const KNOWN_KEYS = ['intent', 'expected', 'kind', 'note'];

/**
 * Checks the parsed JSON of a labelled evaluation set and returns it typed. Every problem of every
 * entry is collected, and each names its entry by index and intent, so one run shows all there is to
 * fix.
 *
 * @param json the value of `JSON.parse` on the file
 * @param source the file name used in error messages
 * @throws EvaluationSetError naming every bad entry
 */
export function parseEvaluationSet(json: unknown, source: string = EVALUATION_SET_PATH): EvaluationCase[] {
  if (!Array.isArray(json)) {
    throw new EvaluationSetError([`the set must be a JSON array of entries, got ${describe(json)}`], source);
  }
  const problems: string[] = [];
  const cases: EvaluationCase[] = [];
  const seen = new Map<string, number>();
  if (json.length === 0) problems.push('the set has no entries');

  json.forEach((entry: unknown, index) => {
    const parsed = parseEntry(entry, `entry ${index}${labelOf(entry)}`, problems);
    if (!parsed) return;
    const key = duplicateKey(parsed.intent);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else problems.push(`entry ${index}${labelOf(entry)}: repeats the intent of entry ${first}; remove one of them`);
    cases.push(parsed);
  });

  if (problems.length > 0) throw new EvaluationSetError(problems, source);
  return cases;
}

function parseEntry(entry: unknown, where: string, problems: string[]): EvaluationCase | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`${where}: must be an object {intent, expected, kind, note?}, got ${describe(entry)}`);
    return undefined;
  }
  const fields = entry as Record<string, unknown>;
  const before = problems.length;

  for (const key of Object.keys(fields)) {
    if (!KNOWN_KEYS.includes(key)) problems.push(`${where}: unknown key "${key}" (allowed: ${KNOWN_KEYS.join(', ')})`);
  }

  const { intent, expected, kind, note } = fields;
  if (typeof intent !== 'string') problems.push(`${where}: intent must be a string, got ${describe(intent)}`);

  const validKind = typeof kind === 'string' && (EVALUATION_KINDS as readonly string[]).includes(kind);
  if (!validKind) problems.push(`${where}: kind must be one of ${EVALUATION_KINDS.join(', ')}, got ${describe(kind)}`);

  const validExpected =
    expected === null || (typeof expected === 'string' && (WORKFLOW_TEMPLATES as readonly string[]).includes(expected));
  if (!validExpected) {
    problems.push(
      `${where}: expected must be one of ${WORKFLOW_TEMPLATES.join(', ')} or null (ask for clarification / refuse), got ${describe(expected)}`,
    );
  }

  if (note !== undefined && typeof note !== 'string') {
    problems.push(`${where}: note must be a string when present, got ${describe(note)}`);
  }

  if (validKind && validExpected) {
    if (kind === 'clear' && expected === null) {
      problems.push(`${where}: a clear intent must expect a template; label it ambiguous or invalid if none fits`);
    }
    if (kind !== 'clear' && expected !== null) {
      problems.push(`${where}: an ${kind} intent must expect null, got "${expected}"`);
    }
  }
  if (typeof intent === 'string' && intent.trim() === '' && kind !== 'invalid') {
    problems.push(`${where}: an empty intent can only be of kind invalid`);
  }

  if (problems.length > before) return undefined;
  return {
    intent: intent as string,
    expected: expected as WorkflowTemplate | null,
    kind: kind as EvaluationKind,
    ...(note === undefined ? {} : { note: note as string }),
  };
}

/**
 * Intents compare without regard to case and spacing, except blank ones: their exact whitespace is
 * what they test.
 */
function duplicateKey(intent: string): string {
  const normalized = intent.toLowerCase().replace(/\s+/g, ' ').trim();
  return normalized === '' ? intent : normalized;
}

function labelOf(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null || !('intent' in entry) || typeof entry.intent !== 'string') {
    return '';
  }
  const intent = entry.intent.length > 60 ? `${entry.intent.slice(0, 57)}...` : entry.intent;
  return ` (${JSON.stringify(intent)})`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
