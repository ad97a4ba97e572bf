import fc from 'fast-check';
import { BusErrorCode } from '../errors/bus-error-codes';
import { BusRpcException } from '../errors/bus-rpc.exception';
import { checkPattern, checkPayload, checkRecipient, checkRecordOptions, checkResult } from './message-rules';

fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261127) });

/** Whether any string in `value` (keys included) holds NUL or a lone surrogate: the slow, obvious way. */
function holdsUnstorableText(value: unknown): boolean {
  const unstorable = (text: string): boolean =>
    [...text].some((char) => char === '\u0000' || (char.length === 1 && /[\ud800-\udfff]/.test(char)));
  if (typeof value === 'string') return unstorable(value);
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => unstorable(key) || holdsUnstorableText(inner));
  }
  return false;
}

function codeOf(call: () => unknown): string | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    if (!(error instanceof BusRpcException)) throw error;
    return error.code;
  }
}

describe('the message rules of BusClient', () => {
  it('refuses a payload exactly when a string in it holds NUL or a lone surrogate', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('\\', '\\\\u0000', '\\u0000', '\\ud800', '\u0000', '\ud800', '\udfff', '😀', '\\\u0000'),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }), fc.dictionary(text, text), (json, extra) => {
        const payload = { json, extra };
        const code = codeOf(() => checkPayload(payload, 1_000_000));
        expect(code).toBe(holdsUnstorableText(payload) ? BusErrorCode.InvalidPayload : undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('takes an escaped backslash before "u0000" as text, not as NUL', () => {
    expect(checkPayload({ path: 'C:\\u0000\\x' }, 100)).toBeGreaterThan(0);
  });

  it('refuses a payload over the limit as PAYLOAD_TOO_LARGE, counting bytes of UTF-8', () => {
    expect(checkPayload('é'.repeat(4), 10)).toBe(10);
    expect(codeOf(() => checkPayload('é'.repeat(5), 10))).toBe(BusErrorCode.PayloadTooLarge);
  });

  it('refuses what JSON cannot hold as INVALID_PAYLOAD, saying why', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    expect(() => checkPayload(cyclic, 100)).toThrow(/The message payload is not JSON \(.*circular/);
    expect(codeOf(() => checkPayload({ n: 1n }, 100))).toBe(BusErrorCode.InvalidPayload);
  });

  it('takes the names the bus_name domain takes, and nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[a-z0-9_:-]{1,56}$/)), (name) => {
        const code = codeOf(() => checkRecipient(name));
        expect(code).toBe(/^[a-z0-9_:-]{1,56}$/.test(name) ? undefined : BusErrorCode.InvalidMessage);
      }),
    );
  });

  it('counts pattern length in characters, as Postgres does', () => {
    expect(codeOf(() => checkPattern('😀'.repeat(512)))).toBeUndefined();
    expect(codeOf(() => checkPattern('😀'.repeat(513)))).toBe(BusErrorCode.InvalidMessage);
    expect(codeOf(() => checkPattern(''))).toBe(BusErrorCode.InvalidMessage);
    expect(codeOf(() => checkPattern('a\u0000b'))).toBe(BusErrorCode.InvalidMessage);
  });

  it.each([
    ['an empty idempotency key', { idempotencyKey: '' }],
    ['an idempotency key of 201 characters', { idempotencyKey: 'k'.repeat(201) }],
    ['zero attempts', { maxAttempts: 0 }],
    ['a fraction of attempts', { maxAttempts: 1.5 }],
    ['101 attempts', { maxAttempts: 101 }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['a NaN timeout', { timeoutMs: Number.NaN }],
    ['a timeout over 2^31 - 1 ms', { timeoutMs: 2 ** 31 }],
    ['a negative delay', { delayMs: -1 }],
    ['a NUL in a header', { headers: { note: 'a\u0000' } }],
  ])('refuses %s as INVALID_MESSAGE', (_, options) => {
    expect(codeOf(() => checkRecordOptions(options))).toBe(BusErrorCode.InvalidMessage);
  });

  it('takes the record options at their limits', () => {
    expect(() =>
      checkRecordOptions({ idempotencyKey: 'k'.repeat(200), maxAttempts: 100, timeoutMs: 2 ** 31 - 1, delayMs: 0 }),
    ).not.toThrow();
  });
});

describe(checkResult.name, () => {
  it('takes plain JSON and undefined (a handler that returns nothing) with its size', () => {
    expect(checkResult({ ok: true, items: [1, 'two'] }, 100)).toEqual({ ok: true, bytes: 29 });
    expect(checkResult(undefined, 100)).toEqual({ ok: true, bytes: 4 });
  });

  it.each([
    ['a NUL character', { text: 'a\u0000b' }, /NUL character/],
    ['a lone surrogate', { text: '\ud800' }, /lone UTF-16 surrogate/],
    ['a BigInt', { count: 10n }, /not JSON/],
    ['more bytes than a reply may carry', { text: 'x'.repeat(200) }, /more than the 100 a reply may carry/],
  ])('refuses a result with %s, saying why', (_, value, reason) => {
    const checked = checkResult(value, 100);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toMatch(reason);
  });
});
