import { InvalidMessageException } from '../errors/invalid-message.exception';
import { InvalidPayloadException } from '../errors/invalid-payload.exception';
import { PayloadTooLargeException } from '../errors/payload-too-large.exception';
import type { BusRecordOptions } from '../record/bus-record';

/**
 * The rules of the bus tables (supabase/migrations), checked before a message leaves the client.
 * Messages are sent in batches of one statement: a message the database refused would fail every
 * other message of its batch with a Postgres error, so each is refused here on its own, with a
 * typed error that says what to change.
 */

/** The `bus_name` domain: agents, groups and instances; also the NOTIFY channel after `bus:`. */
const BUS_NAME = /^[a-z0-9_:-]{1,56}$/;
/** `agent_messages.pattern` and `bus_events.type`, in characters. */
const MAX_PATTERN_CHARACTERS = 512;
/** `agent_messages.idempotency_key`, in characters. */
const MAX_IDEMPOTENCY_KEY_CHARACTERS = 200;
/** `agent_messages.max_attempts`. */
const MAX_ATTEMPTS = 100;
/** Node runs a longer timer at once, which would time a request out immediately. */
const MAX_TIMER_MS = 2_147_483_647;

/** A UTF-16 surrogate that is not half of a pair: Postgres refuses it, like NUL. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** NUL and lone surrogates in JSON text, where JSON.stringify writes them as `\u0000` and `\udxxx` escapes. */
const UNSTORABLE_JSON_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** The payload's size in bytes of JSON; throws when Postgres cannot store it or it is over `limit`. */
export function checkPayload(data: unknown, limit: number): number {
  const json = storableJson(data, 'payload');
  const bytes = Buffer.byteLength(json);
  if (bytes > limit) throw new PayloadTooLargeException(bytes, limit);
  return bytes;
}

export function checkPattern(pattern: string, field = 'pattern'): void {
  const characters = [...pattern].length;
  if (characters < 1 || characters > MAX_PATTERN_CHARACTERS) {
    throw new InvalidMessageException(
      field,
      `is ${characters} characters long; it must be 1 to ${MAX_PATTERN_CHARACTERS}. Use a short dotted name like "billing.invoice"`,
    );
  }
  checkText(pattern, field);
}

export function checkRecipient(recipient: string): void {
  if (!BUS_NAME.test(recipient)) {
    throw new InvalidMessageException(
      'recipient',
      `"${recipient.slice(0, 80)}" is not a consumer group name; a name is 1 to 56 of a-z, 0-9, _, : and -`,
    );
  }
}

/** The per-message options of a `BusRecord`. */
export function checkRecordOptions(options: BusRecordOptions): void {
  const key = options.idempotencyKey;
  if (key !== undefined) {
    const characters = [...key].length;
    if (characters < 1 || characters > MAX_IDEMPOTENCY_KEY_CHARACTERS) {
      throw new InvalidMessageException(
        'idempotency key',
        `is ${characters} characters long; it must be 1 to ${MAX_IDEMPOTENCY_KEY_CHARACTERS} (hash a longer one)`,
      );
    }
    checkText(key, 'idempotency key');
  }
  const attempts = options.maxAttempts;
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= MAX_ATTEMPTS)) {
    throw new InvalidMessageException(
      'maxAttempts',
      `is ${attempts}; it must be a whole number from 1 to ${MAX_ATTEMPTS}`,
    );
  }
  checkMilliseconds(options.timeoutMs, 'timeoutMs', 1);
  checkMilliseconds(options.delayMs, 'delayMs', 0);
  if (options.headers !== undefined) storableJson(options.headers, 'headers');
}

function checkMilliseconds(value: number | undefined, field: string, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= MAX_TIMER_MS)) {
    throw new InvalidMessageException(
      field,
      `is ${value}; it must be a whole number of milliseconds from ${min} to ${MAX_TIMER_MS}`,
    );
  }
}

function checkText(text: string, field: string): void {
  if (text.includes('\u0000') || LONE_SURROGATE.test(text)) {
    throw new InvalidMessageException(
      field,
      'contains a NUL character or a lone UTF-16 surrogate, which Postgres cannot store',
    );
  }
}

/**
 * A handler's result as JSON text Postgres can store in a reply, or why it cannot be: not JSON, a
 * NUL character or a lone surrogate, or more than `limit` bytes. A result the database refused would
 * fail the whole batch of completions it was settled with.
 */
export function checkResult(
  value: unknown,
  limit: number,
): { ok: true; bytes: number } | { ok: false; reason: string } {
  const text = jsonText(value);
  if (!text.ok) return { ok: false, reason: `it ${text.problem}` };
  const bytes = Buffer.byteLength(text.json);
  if (bytes > limit) {
    return { ok: false, reason: `it is ${bytes} bytes of JSON, more than the ${limit} a reply may carry` };
  }
  return { ok: true, bytes };
}

function storableJson(value: unknown, field: 'payload' | 'headers'): string {
  const text = jsonText(value);
  if (text.ok) return text.json;
  if (field === 'headers') throw new InvalidMessageException(field, text.problem.replace(/^is /, 'are '));
  throw new InvalidPayloadException(text.problem);
}

/** `value` as JSON text Postgres can store, or what is wrong with it ("is not JSON (…)", "contains …"). */
function jsonText(value: unknown): { ok: true; json: string } | { ok: false; problem: string } {
  let json: string;
  try {
    json = JSON.stringify(value ?? null) ?? 'null';
  } catch (error) {
    return { ok: false, problem: `is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (UNSTORABLE_JSON_ESCAPE.test(json)) {
    return {
      ok: false,
      problem: 'contains a NUL character (\\u0000) or a lone UTF-16 surrogate, which Postgres cannot store as JSON',
    };
  }
  return { ok: true, json };
}
