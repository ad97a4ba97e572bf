/**
 * What the soak proves, read from the tables after the system has drained, plus the pure helpers
 * that turn the figures into the report, the table and the verdict.
 *
 * The table audits cover every message of the run, not only the soak's own requests: the
 * dispatcher's requests to the workers and the workflow steps must hold the same guarantees.
 */
import type { Pool } from 'pg';

/** Where the soak's own requests and workflow runs can be found. */
export interface AuditScope {
  /** Prefix of the idempotency keys of the soak's workflow runs (`workflow_runs.idempotency_key`). */
  readonly workflowKeyPrefix: string;
  /** The soak client's instance id: the recipient of its replies. */
  readonly clientInstance: string;
  /** Every idempotency key the soak sent. */
  readonly sentKeys: readonly string[];
}

/** Counts read from the tables. */
export interface TableAudit {
  /** Request rows of the whole run. */
  readonly requests: number;
  /** Requests that ended (done/failed/dead/expired) without any reply row. */
  readonly requestsWithoutReply: number;
  /** Requests with more than one reply row: the extra replies. */
  readonly extraReplies: number;
  /** Requests that ended in an error (failed, dead, expired): a final reply, but not a success. */
  readonly requestsEndedInError: number;
  /** Keys the soak sent for which no request row exists. */
  readonly sentKeysWithoutRow: number;
  /** Extra rows per (recipient, idempotency key): the unique index makes this 0 unless it is broken. */
  readonly duplicateKeyRows: number;
  /** Event deliveries. */
  readonly eventDeliveries: number;
  readonly eventsDone: number;
  /** Event deliveries that ended dead or failed, with the reason in `error.message`. */
  readonly eventsDeadWithReason: number;
  /** Event deliveries that ended without completing and without a reason. */
  readonly eventsEndedWithoutReason: number;
  /** Requests and event deliveries still queued or claimed. */
  readonly unfinishedWork: number;
  /** Rows still claimed (of any kind). */
  readonly stillClaimed: number;
  /** Replies to the soak client that it never collected. */
  readonly uncollectedClientReplies: number;
  /**
   * Replies to other instances never collected: their requester stopped waiting (it was killed,
   * or timed out). Not work: the request they answer has ended. Reported, not judged.
   */
  readonly uncollectedOtherReplies: number;
  /**
   * Claims after the first, over requests and event deliveries: `attempts` counts claims (a lease
   * taken over after a crash, or a retry after a failed attempt) and a graceful release hands
   * its attempt back, so `attempts - 1` is how often a message was delivered again.
   */
  readonly redeliveries: number;
  /** Workflow runs of the soak, by status. */
  readonly workflowRuns: { readonly running: number; readonly succeeded: number; readonly failed: number };
  /** Extra runs per workflow idempotency key (0 unless the unique constraint is broken). */
  readonly duplicateWorkflowRuns: number;
  /** `wf:<run>:<step>` keys dispatched as more than one request row. */
  readonly stepsDispatchedTwice: number;
  /**
   * Facts published twice by the handler of one request that carried an idempotency key: a
   * handler run again after a crash (at-least-once) whose effect was not made idempotent. Found as
   * events of the same type whose parent span is that request's span.
   */
  readonly repeatedEffects: number;
  /** Step starts after the first (a run resumed by another driver): informative. */
  readonly stepRestarts: number;
}

/** Runs every audit query; the database must be up and the system drained. */
export async function auditTables(pool: Pool, scope: AuditScope): Promise<TableAudit> {
  const one = async <T>(sql: string, values: unknown[] = []): Promise<T> =>
    (await pool.query(sql, values)).rows[0] as T;

  const requests = await one<{
    requests: string;
    without_reply: string;
    extra_replies: string;
    in_error: string;
  }>(
    `select count(*) as requests,
            count(*) filter (where q.status in ('done', 'failed', 'dead', 'expired') and r.replies = 0) as without_reply,
            coalesce(sum(greatest(r.replies - 1, 0)), 0) as extra_replies,
            count(*) filter (where q.status in ('failed', 'dead', 'expired')) as in_error
       from public.agent_messages q
       cross join lateral (
         select count(*) as replies from public.agent_messages p
          where p.correlation_id = q.id and p.kind = 'reply') r
      where q.kind = 'request'`,
  );
  const keys = await one<{ without_row: string; duplicate_rows: string }>(
    `select (select count(*) from unnest($1::text[]) as k(key)
              where not exists (
                select 1 from public.agent_messages m
                 where m.idempotency_key = k.key and m.kind = 'request')) as without_row,
            (select coalesce(sum(n - 1), 0) from (
               select count(*) as n from public.agent_messages
                where idempotency_key is not null
                group by recipient, idempotency_key having count(*) > 1) d) as duplicate_rows`,
    [scope.sentKeys],
  );
  const events = await one<{ total: string; done: string; with_reason: string; without_reason: string }>(
    `select count(*) as total,
            count(*) filter (where status = 'done') as done,
            count(*) filter (where status in ('dead', 'failed') and coalesce(error ->> 'message', '') <> '') as with_reason,
            count(*) filter (where status in ('dead', 'failed', 'expired') and coalesce(error ->> 'message', '') = '') as without_reason
       from public.agent_messages where kind = 'event'`,
  );
  const backlog = await one<{
    unfinished: string;
    claimed: string;
    client_replies: string;
    other_replies: string;
    redeliveries: string;
  }>(
    `select count(*) filter (where kind <> 'reply' and status in ('queued', 'claimed')) as unfinished,
            count(*) filter (where status = 'claimed') as claimed,
            count(*) filter (where kind = 'reply' and status = 'queued' and recipient = $1) as client_replies,
            count(*) filter (where kind = 'reply' and status = 'queued' and recipient <> $1) as other_replies,
            coalesce(sum(greatest(attempts - 1, 0)) filter (where kind <> 'reply'), 0) as redeliveries
       from public.agent_messages`,
    [scope.clientInstance],
  );
  const runs = await pool.query<{ status: string; runs: string }>(
    `select status, count(*) as runs from public.workflow_runs
      where idempotency_key like $1 || '%' group by status`,
    [scope.workflowKeyPrefix],
  );
  const workflow = await one<{ duplicate_runs: string; steps_twice: string; step_restarts: string }>(
    `select (select coalesce(sum(n - 1), 0) from (
               select count(*) as n from public.workflow_runs where idempotency_key like $1 || '%'
                group by idempotency_key having count(*) > 1) d) as duplicate_runs,
            (select count(*) from (
               select idempotency_key from public.agent_messages
                where kind = 'request' and idempotency_key ~ '^wf:[0-9a-f-]+:[0-9]+$'
                group by idempotency_key having count(*) > 1) s) as steps_twice,
            (select coalesce(sum(greatest(s.attempts - 1, 0)), 0) from public.workflow_steps s
               join public.workflow_runs r on r.id = s.run_id
              where r.idempotency_key like $1 || '%') as step_restarts`,
    [scope.workflowKeyPrefix],
  );
  const effects = await one<{ repeated: string }>(
    `select coalesce(sum(n - 1), 0) as repeated from (
       select count(*) as n
         from public.bus_events e
         join public.agent_messages q on q.span_id = e.parent_span_id and q.trace_id = e.trace_id
        where q.kind = 'request' and q.idempotency_key is not null
        group by q.id, e.type having count(*) > 1) d`,
  );
  const byStatus = new Map(runs.rows.map((row) => [row.status, Number(row.runs)]));
  return {
    requests: Number(requests.requests),
    requestsWithoutReply: Number(requests.without_reply),
    extraReplies: Number(requests.extra_replies),
    requestsEndedInError: Number(requests.in_error),
    sentKeysWithoutRow: Number(keys.without_row),
    duplicateKeyRows: Number(keys.duplicate_rows),
    eventDeliveries: Number(events.total),
    eventsDone: Number(events.done),
    eventsDeadWithReason: Number(events.with_reason),
    eventsEndedWithoutReason: Number(events.without_reason),
    unfinishedWork: Number(backlog.unfinished),
    stillClaimed: Number(backlog.claimed),
    uncollectedClientReplies: Number(backlog.client_replies),
    uncollectedOtherReplies: Number(backlog.other_replies),
    redeliveries: Number(backlog.redeliveries),
    workflowRuns: {
      running: byStatus.get('running') ?? 0,
      succeeded: byStatus.get('succeeded') ?? 0,
      failed: byStatus.get('failed') ?? 0,
    },
    duplicateWorkflowRuns: Number(workflow.duplicate_runs),
    stepsDispatchedTwice: Number(workflow.steps_twice),
    stepRestarts: Number(workflow.step_restarts),
    repeatedEffects: Number(effects.repeated),
  };
}

/** What the soak's client saw. */
export interface ClientTally {
  /** Distinct requests (idempotency keys) sent, workflow starts included. */
  readonly sent: number;
  /** Answered with a result that matches the request. */
  readonly answered: number;
  /** Answered with a remote error (the request ended failed, dead or expired). */
  readonly answeredWithError: number;
  /** Answered with a result that belongs to another request. */
  readonly mismatched: number;
  /** Never answered before the soak gave up waiting. */
  readonly unanswered: number;
  /** Sends repeated with the same key after a transport failure. */
  readonly resends: number;
  /** Workflow runs the soak started and saw end, by status; `unfinished` never ended in time. */
  readonly workflows: {
    readonly started: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly unfinished: number;
  };
}

export interface SoakTargets {
  readonly messages: number;
  readonly faults: number;
  readonly workflows: number;
}

/** The report written to reports/soak.json: the figures first, then how they were made up. */
export interface SoakReport {
  readonly messages: number;
  readonly workflows: number;
  readonly faults: number;
  readonly redeliveries: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly stuck: number;
  readonly p90_ms_under_chaos: number | null;
  readonly passed: boolean;
  readonly reasons: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface SoakFigures {
  readonly lost: number;
  readonly duplicated: number;
  readonly stuck: number;
  readonly lostParts: Readonly<Record<string, number>>;
  readonly duplicatedParts: Readonly<Record<string, number>>;
  readonly stuckParts: Readonly<Record<string, number>>;
}

/**
 * lost: work that was asked for and did not happen — a soak request the client never got a
 * matching successful answer for, any request that ended without a reply, an event delivery that
 * ended without completing and without a reason, a soak workflow that failed or never ended.
 * duplicated: anything that happened twice where once was promised — a second reply to a request,
 * a second row for an idempotency key, a second workflow run for its key, a workflow step
 * dispatched twice under its `wf:` key, an event published twice by re-runs of the handler of a
 * request that carried an idempotency key.
 * stuck: anything still held or pending after the drain — requests and event deliveries queued or
 * claimed, rows still claimed, replies the soak client never collected, workflow runs still running.
 * Each part is counted on its own, so one fault can show in two parts; the target is 0 everywhere.
 */
export function soakFigures(client: ClientTally, tables: TableAudit): SoakFigures {
  const lostParts = {
    client_unanswered: client.unanswered,
    client_error_answers: client.answeredWithError,
    client_mismatched_answers: client.mismatched,
    sent_keys_without_row: tables.sentKeysWithoutRow,
    requests_without_reply: tables.requestsWithoutReply,
    events_ended_without_reason: tables.eventsEndedWithoutReason,
    workflows_failed: Math.max(client.workflows.failed, tables.workflowRuns.failed),
  };
  const duplicatedParts = {
    extra_replies: tables.extraReplies,
    duplicate_key_rows: tables.duplicateKeyRows,
    duplicate_workflow_runs: tables.duplicateWorkflowRuns,
    steps_dispatched_twice: tables.stepsDispatchedTwice,
    repeated_effects: tables.repeatedEffects,
  };
  const stuckParts = {
    unfinished_work: tables.unfinishedWork,
    still_claimed: tables.stillClaimed,
    uncollected_client_replies: tables.uncollectedClientReplies,
    workflows_running: Math.max(client.workflows.unfinished, tables.workflowRuns.running),
  };
  return {
    lost: sum(lostParts),
    duplicated: sum(duplicatedParts),
    stuck: sum(stuckParts),
    lostParts,
    duplicatedParts,
    stuckParts,
  };
}

/** Passed only when nothing was lost, duplicated or stuck and every target was reached. */
export function soakVerdict(
  figures: Pick<SoakFigures, 'lost' | 'duplicated' | 'stuck'>,
  reached: SoakTargets,
  targets: SoakTargets,
): { passed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (figures.lost > 0) reasons.push(`${figures.lost} lost`);
  if (figures.duplicated > 0) reasons.push(`${figures.duplicated} duplicated`);
  if (figures.stuck > 0) reasons.push(`${figures.stuck} stuck`);
  if (reached.messages < targets.messages)
    reasons.push(`only ${reached.messages} of ${targets.messages} messages sent`);
  if (reached.faults < targets.faults) reasons.push(`only ${reached.faults} of ${targets.faults} faults injected`);
  if (reached.workflows < targets.workflows)
    reasons.push(`only ${reached.workflows} of ${targets.workflows} workflows started`);
  return { passed: reasons.length === 0, reasons };
}

/** Nearest-rank percentile (p in 0..100) of the samples; null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** A two-column text table: names left-aligned, values right-aligned. */
export function formatTable(rows: readonly (readonly [string, string | number | null])[]): string {
  const cells = rows.map(([name, value]) => [name, value === null ? '-' : String(value)] as const);
  const nameWidth = Math.max(...cells.map(([name]) => name.length), 6);
  const valueWidth = Math.max(...cells.map(([, value]) => value.length), 5);
  const rule = `+${'-'.repeat(nameWidth + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  const lines = cells.map(([name, value]) => `| ${name.padEnd(nameWidth)} | ${value.padStart(valueWidth)} |`);
  return [rule, ...lines, rule].join('\n');
}

function sum(parts: Readonly<Record<string, number>>): number {
  return Object.values(parts).reduce((total, value) => total + value, 0);
}
