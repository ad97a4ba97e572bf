import type { AccessTokenClaims } from './jwt.ts';
import { formatTraceparent, type TraceSpan } from './trace-context.ts';
import type { IntakeRequest, WorkflowTemplate } from './validation.ts';

/**
 * The bus request this function enqueues: pattern `orchestrator.intake`, to the `orchestrator`
 * consumer group. The orchestrator's handler for it plans the intent (optionally with the given
 * workflow template) and runs the plan; the answer is observable through the trace id.
 */
export const INTAKE_PATTERN = 'orchestrator.intake';
export const INTAKE_RECIPIENT = 'orchestrator';
export const INGRESS_SENDER = 'edge:agent-ingress';
export const INGRESS_SOURCE = 'agent-ingress';

/** Who asked, from the verified access token. */
export interface IntakeCaller {
  readonly sub: string | null;
  readonly role: string;
}

export interface IntakePayload {
  readonly intent: string;
  readonly template?: WorkflowTemplate;
  readonly input?: Readonly<Record<string, unknown>>;
  readonly caller: IntakeCaller;
}

/** One element of `public.bus_send(messages jsonb)`: snake_case, as the SQL reads it. */
export interface IntakeMessage {
  readonly id: string;
  readonly kind: 'request';
  readonly pattern: typeof INTAKE_PATTERN;
  readonly sender: typeof INGRESS_SENDER;
  readonly recipient: typeof INTAKE_RECIPIENT;
  readonly payload: IntakePayload;
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly idempotency_key: string | null;
}

export async function buildIntakeMessage(options: {
  readonly id: string;
  readonly request: IntakeRequest;
  readonly claims: AccessTokenClaims;
  readonly span: TraceSpan;
  readonly tracestate?: string | null;
}): Promise<IntakeMessage> {
  const { id, request, claims, span, tracestate } = options;
  const caller: IntakeCaller = { sub: claims.sub, role: claims.role };
  return {
    id,
    kind: 'request',
    pattern: INTAKE_PATTERN,
    sender: INGRESS_SENDER,
    recipient: INTAKE_RECIPIENT,
    payload: {
      intent: request.intent,
      ...(request.template === undefined ? {} : { template: request.template }),
      ...(request.input === undefined ? {} : { input: request.input }),
      caller,
    },
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    headers: {
      traceparent: formatTraceparent(span),
      source: INGRESS_SOURCE,
      ...(tracestate ? { tracestate } : {}),
      ...(request.idempotencyKey === undefined ? {} : { idempotency_key: request.idempotencyKey }),
    },
    idempotency_key:
      request.idempotencyKey === undefined ? null : await scopedIdempotencyKey(caller, request.idempotencyKey),
  };
}

/**
 * Idempotency keys are unique per recipient on the bus, and every external caller shares the
 * recipient `orchestrator`. Scoping the key to the caller keeps one caller's key from colliding
 * with another's (which would hand out someone else's message id and swallow their request), and
 * keeps it within the bus's 200 characters whatever the caller sent. The caller's own key travels
 * in the `idempotency_key` header, for operators.
 */
export async function scopedIdempotencyKey(caller: IntakeCaller, key: string): Promise<string> {
  const scope = caller.sub === null ? `role:${caller.role}` : `sub:${caller.sub}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${scope}\n${key}`));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${INGRESS_SOURCE}:${hex}`;
}
