/**
 * Phoenix channel frames as Supabase Realtime puts them on the wire. vsn 2.0.0 sends JSON arrays
 * `[join_ref, ref, topic, event, payload]` with `null` for missing refs; vsn 1.0.0 sends objects
 * `{topic, event, payload, ref, join_ref}`, and the server's v1 frames carry no `join_ref` at all
 * (Phoenix.Socket.V1.JSONSerializer). A socket without a `vsn` parameter speaks 1.0.0.
 */

export type PhoenixVsn = '1.0.0' | '2.0.0';

export const SUPPORTED_VSNS: readonly PhoenixVsn[] = ['1.0.0', '2.0.0'];

export type PhoenixPayload = Record<string, unknown>;

export interface PhoenixMessage {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: PhoenixPayload;
}

export class PhoenixFrameError extends Error {
  override readonly name = 'PhoenixFrameError';
}

export function isPhoenixVsn(value: string): value is PhoenixVsn {
  return (SUPPORTED_VSNS as readonly string[]).includes(value);
}

export function encodeFrame(vsn: PhoenixVsn, message: PhoenixMessage): string {
  if (vsn === '2.0.0') {
    return JSON.stringify([message.joinRef, message.ref, message.topic, message.event, message.payload]);
  }
  return JSON.stringify({ topic: message.topic, event: message.event, payload: message.payload, ref: message.ref });
}

export function decodeFrame(vsn: PhoenixVsn, text: string): PhoenixMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PhoenixFrameError(`Frame is not JSON: ${text.slice(0, 200)}`);
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) {
      throw new PhoenixFrameError(`A vsn 2.0.0 frame is a 5-element array, got: ${text.slice(0, 200)}`);
    }
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    return message(joinRef, ref, topic, event, payload, text);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PhoenixFrameError(`A vsn 1.0.0 frame is a JSON object, got: ${text.slice(0, 200)}`);
  }
  const frame = parsed as Record<string, unknown>;
  return message(frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload, text);
}

function message(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
  payload: unknown,
  text: string,
): PhoenixMessage {
  if (typeof topic !== 'string' || typeof event !== 'string') {
    throw new PhoenixFrameError(`Frame needs a string topic and event: ${text.slice(0, 200)}`);
  }
  return {
    joinRef: refOf(joinRef),
    ref: refOf(ref),
    topic,
    event,
    payload:
      typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as PhoenixPayload) : {},
  };
}

function refOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new PhoenixFrameError(`A ref is a string or null, got ${JSON.stringify(value)}`);
}
