/**
 * `npm run soak` / `npm run soak:short`: the chaos soak. Starts the whole stack on an embedded
 * Postgres of its own, sends requests and starts workflows through the bus while a seeded chaos
 * driver SIGKILLs agents, terminates LISTEN sessions and restarts Postgres; keeps going until the
 * message target and the fault target are both reached; stops the chaos, lets the system drain,
 * audits the tables, writes the report and prints it as a table.
 *
 *   node dist/scripts/soak.js [--short] [--messages N] [--workflows M] [--faults F] [--seed S]
 *                             [--concurrency C] [--report PATH] [--keep]
 *
 * Defaults: full = 10,000 messages, 50 faults, 30 workflows (report reports/soak.json);
 * --short = 1,000 messages, 10 faults, 6 workflows (report reports/soak-short.json).
 * Exit code 0 only when nothing was lost, duplicated or stuck and every target was reached.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { Logger } from '@nestjs/common';
import {
  BusClient,
  type BusContext,
  BusRecordBuilder,
  BusServer,
  PostgresDriver,
  RemoteErrorException,
} from '@cogo/bus';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { BUS_ROUTES, Events, type ExecuteAccepted, Patterns, type Plan } from '@cogo/contracts';
import { createPgPool } from '@cogo/store';
import { ChaosDriver, FAULT_KINDS, PostgresHandle, seededRandom } from './support/chaos';
import { LocalStack, ROOT } from './support/local-stack';
import { freePortBlock } from './support/smoke-harness';
import {
  type ClientTally,
  type SoakReport,
  type SoakTargets,
  auditTables,
  formatTable,
  percentile,
  soakFigures,
  soakVerdict,
} from './support/soak-audit';

/** On the bus: a request's deadline. Longer than a lease (30 s) plus a Postgres restart. */
const REQUEST_TIMEOUT_MS = 120_000;
/** A request that has no answer this long after its first send is given up (counted lost). */
const GIVE_UP_MS = 300_000;
const POSTGRES_SETTINGS = { fsync: 'off' };
const PROGRESS_EVERY_MS = 5_000;

interface SoakOptions {
  readonly short: boolean;
  readonly targets: SoakTargets;
  readonly seed: number;
  readonly concurrency: number;
  readonly reportPath: string;
  readonly keep: boolean;
  /** Chaos pause between faults. */
  readonly gapMs: readonly [number, number];
  /** Past this, the soak stops sending even if a target was not reached (and fails). */
  readonly maxRunMs: number;
  /** Bound on the drain after the chaos stops. */
  readonly drainMs: number;
}

function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: 'boolean', default: false },
      messages: { type: 'string' },
      workflows: { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      report: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const short = values.short ?? false;
  const count = (value: string | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number, not "${value}"`);
    return parsed;
  };
  return {
    short,
    targets: {
      messages: count(values.messages, short ? 1_000 : 10_000, 'messages'),
      workflows: count(values.workflows, short ? 6 : 30, 'workflows'),
      faults: count(values.faults, short ? 10 : 50, 'faults'),
    },
    seed: count(values.seed, randomInt(1, 2 ** 31 - 1), 'seed'),
    concurrency: Math.max(1, count(values.concurrency, 32, 'concurrency')),
    reportPath: resolve(values.report ?? join(ROOT, 'reports', short ? 'soak-short.json' : 'soak.json')),
    keep: values.keep ?? false,
    gapMs: short ? [1_500, 4_000] : [2_000, 6_000],
    maxRunMs: short ? 240_000 : 1_200_000,
    drainMs: 180_000,
  };
}

function say(line: string): void {
  process.stdout.write(`[soak] ${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** One request of the workload: what to send, and how to tell its answer belongs to it. */
interface WorkItem {
  readonly pattern: string;
  readonly data: Record<string, unknown>;
  readonly matches: (answer: unknown) => boolean;
}

/** The mix: the planner (a plan row and a fanned-out decision event), a dispatch to the codegen worker (two hops and an artifact), the template list (cheapest). */
function workItem(index: number, draw: number): WorkItem {
  if (draw < 0.6) {
    const intent = `soak ${index}: generate, build and test a module from this spec`;
    return {
      pattern: Patterns.OrchestratorPlan,
      data: { intent },
      matches: (answer) => (answer as Plan | null)?.intent === intent,
    };
  }
  if (draw < 0.9) {
    const module = `soak-${index}`;
    return {
      pattern: Patterns.DispatcherExecute,
      data: { capability: 'codegen.generate', input: { spec: specFor(module, index) } },
      matches: (answer) => JSON.stringify((answer as { output?: unknown } | null)?.output ?? null).includes(module),
    };
  }
  return {
    pattern: Patterns.OrchestratorTemplates,
    data: {},
    matches: (answer) => Array.isArray(answer) && answer.length > 0,
  };
}

function specFor(module: string, index: number): Record<string, unknown> {
  const factor = (index % 97) + 1;
  return {
    module,
    functions: [
      {
        name: 'scale',
        params: [{ name: 'x', type: 'number' }],
        returns: 'number',
        expression: `x * ${factor}`,
        examples: [{ args: [2], expected: 2 * factor }],
      },
    ],
  };
}

/** Counts of the soak's client, filled in while it runs. */
class Tally {
  sent = 0;
  answered = 0;
  answeredWithError = 0;
  mismatched = 0;
  unanswered = 0;
  resends = 0;
  inFlight = 0;
  readonly errorCodes = new Map<string, number>();
  readonly keys: string[] = [];
  /** Round trips (first send to answer) of requests answered while the chaos ran. */
  readonly latenciesUnderChaos: number[] = [];
  readonly latencies: number[] = [];
  workflows = { started: 0, succeeded: 0, failed: 0, unfinished: 0 };
  readonly workflowErrors: string[] = [];

  snapshot(): ClientTally {
    return {
      sent: this.sent,
      answered: this.answered,
      answeredWithError: this.answeredWithError,
      mismatched: this.mismatched,
      unanswered: this.unanswered,
      resends: this.resends,
      workflows: { ...this.workflows },
    };
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  // The soak's own bus client and event consumer would log every refused connection through
  // Nest's console logger while Postgres restarts; the soak reports what matters itself.
  Logger.overrideLogger(false);
  const { targets, seed } = options;
  const began = Date.now();
  say(
    `seed ${seed} (repeat with --seed ${seed}); targets: ${targets.messages} messages, ${targets.faults} faults, ${targets.workflows} workflows`,
  );

  const stateDir = mkdtempSync(join(tmpdir(), 'cogo-soak-'));
  chmodSync(stateDir, 0o755);
  const agentLog = createWriteStream(join(stateDir, 'agents.log'));
  const unexpectedExits: string[] = [];
  let stack: LocalStack | undefined;
  let postgres: PostgresHandle | undefined;
  let tearingDown: Promise<void> | undefined;
  let keepState = options.keep;

  const teardown = (): Promise<void> =>
    (tearingDown ??= (async () => {
      await stack?.stop().catch((error: unknown) => say(`stopping the stack failed: ${String(error)}`));
      await postgres?.stop().catch((error: unknown) => say(`stopping Postgres failed: ${String(error)}`));
      await new Promise<void>((done) => agentLog.end(done));
      if (keepState) say(`state kept in ${stateDir} (agent logs: ${join(stateDir, 'agents.log')})`);
      else rmSync(stateDir, { recursive: true, force: true });
    })());

  const interrupted = (signal: NodeJS.Signals): void => {
    say(`${signal}: stopping the stack…`);
    void teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    say(`starting the stack (state in ${stateDir})…`);
    stack = await LocalStack.start({
      stateDir,
      apiPort: await freePortBlock(15),
      postgresSettings: POSTGRES_SETTINGS,
      env: { NO_COLOR: '1', LOG_LEVEL: 'info' },
      onLog: (source, line) => {
        agentLog.write(`${source} | ${line}\n`);
        const exit = source === 'stack' ? /^([a-z-]+) exited \((.*)\)/.exec(line) : null;
        if (exit && (AGENT_NAMES as readonly string[]).includes(exit[1])) {
          // Not a fault the chaos injected: the agent died by itself. Counted, and relaunched.
          unexpectedExits.push(`${exit[1]} (${exit[2]})`);
          say(`UNEXPECTED: ${exit[1]} exited (${exit[2]}); relaunching it`);
          const agent = exit[1] as AgentName;
          setTimeout(() => {
            if (!tearingDown) stack?.launch(agent);
          }, 500);
        }
      },
    });
    const server = stack.postgresServer;
    if (!server) throw new Error('the soak needs the embedded Postgres to restart it');
    postgres = new PostgresHandle(server, POSTGRES_SETTINGS);
    const late = await stack.waitUntilLive(AGENT_NAMES, 30_000);
    if (late.length > 0) throw new Error(`agents not live: ${late.join(', ')}`);
    say(`stack up in ${((Date.now() - began) / 1000).toFixed(1)} s`);

    const report = await soak(options, stack, postgres, unexpectedExits, began);
    mkdirSync(dirname(options.reportPath), { recursive: true });
    writeFileSync(options.reportPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${renderReport(report)}\n\n`);
    say(`report: ${options.reportPath}`);
    if (report.passed) {
      say(`PASS in ${((Date.now() - began) / 1000).toFixed(0)} s (seed ${seed})`);
      return 0;
    }
    keepState = true;
    say(`FAIL: ${report.reasons.join('; ')} (seed ${seed})`);
    return 1;
  } catch (error) {
    keepState = true;
    say(`FAIL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} (seed ${seed})`);
    return 1;
  } finally {
    await teardown();
  }
}

async function soak(
  options: SoakOptions,
  stack: LocalStack,
  postgres: PostgresHandle,
  unexpectedExits: readonly string[],
  began: number,
): Promise<SoakReport> {
  const { targets, seed } = options;
  const keyPrefix = `soak:${seed}:`;
  const workflowKeyPrefix = `soak-${seed}-wf-`;
  const clientInstance = `soak:${seed.toString(36)}`;
  const random = seededRandom(seed);
  const tally = new Tally();

  const client = new BusClient(
    new PostgresDriver({ connectionString: stack.databaseUrl, applicationName: clientInstance, poolSize: 8 }),
    { group: 'soak', instanceId: clientInstance, routes: BUS_ROUTES, timeoutMs: REQUEST_TIMEOUT_MS },
  );
  await client.connect();
  // The soak's own reads (workflow state, the drain, the audit); it retries through restarts.
  const pool = createPgPool({ connectionString: stack.databaseUrl, applicationName: 'soak-audit', max: 2 });

  const consumer = await startEventConsumer(stack.databaseUrl, seed);

  const chaos = new ChaosDriver({
    stack,
    postgres,
    databaseUrl: stack.databaseUrl,
    seed,
    gapMs: options.gapMs,
    log: say,
  });

  let chaosRunning = false;
  let sending = true;
  const sendUntil = Date.now() + options.maxRunMs;
  const targetsReached = (): boolean =>
    tally.keys.length - tally.workflows.started >= targets.messages &&
    chaos.total >= targets.faults &&
    tally.workflows.started >= targets.workflows;

  /** One request, re-sent with the same idempotency key after every transport failure. */
  const request = async (
    key: string,
    pattern: string,
    data: Record<string, unknown>,
  ): Promise<{ ok: true; answer: unknown } | { ok: false; code: string }> => {
    tally.keys.push(key);
    tally.sent += 1;
    tally.inFlight += 1;
    const first = Date.now();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const record = new BusRecordBuilder(data).setIdempotencyKey(key).setTimeout(REQUEST_TIMEOUT_MS).build();
          const answer = await lastValueFrom(client.send<unknown>(pattern, record));
          const latency = Date.now() - first;
          tally.latencies.push(latency);
          if (chaosRunning) tally.latenciesUnderChaos.push(latency);
          return { ok: true, answer };
        } catch (error) {
          if (error instanceof RemoteErrorException) return { ok: false, code: error.code };
          if (Date.now() - first > GIVE_UP_MS) return { ok: false, code: 'GAVE_UP' };
          // Postgres down, a connection cut, no answer in time: the same request again.
          tally.resends += 1;
          await sleep(Math.min(5_000, 250 * 2 ** attempt));
        }
      }
    } finally {
      tally.inFlight -= 1;
    }
  };

  const settle = (outcome: Awaited<ReturnType<typeof request>>, matches: (answer: unknown) => boolean): void => {
    if (!outcome.ok) {
      if (outcome.code === 'GAVE_UP') tally.unanswered += 1;
      else tally.answeredWithError += 1;
      tally.errorCodes.set(outcome.code, (tally.errorCodes.get(outcome.code) ?? 0) + 1);
    } else if (matches(outcome.answer)) {
      tally.answered += 1;
    } else {
      tally.mismatched += 1;
    }
  };

  let next = 0;
  const sender = async (): Promise<void> => {
    while (sending) {
      if (next >= targets.messages && targetsReached()) return;
      const index = next++;
      const item = workItem(index, random());
      settle(await request(`${keyPrefix}${index}`, item.pattern, item.data), item.matches);
    }
  };

  const runWorkflow = async (index: number): Promise<void> => {
    tally.workflows.started += 1;
    const started = await request(`${keyPrefix}wf${index}`, Patterns.OrchestratorExecute, {
      template: 'codeBuildTest',
      input: { spec: specFor(`soak-wf-${index}`, index) },
      idempotencyKey: `${workflowKeyPrefix}${index}`,
    });
    settle(started, (answer) => typeof (answer as ExecuteAccepted | null)?.runId === 'string');
    if (!started.ok) {
      tally.workflows.failed += 1;
      tally.workflowErrors.push(`workflow ${index} could not start: ${started.code}`);
      return;
    }
    const runId = (started.answer as ExecuteAccepted).runId;
    const deadline = Date.now() + GIVE_UP_MS * 2;
    while (Date.now() < deadline) {
      const rows = await pool
        .query<{ status: string; error: unknown }>('select status, error from public.workflow_runs where id = $1', [
          runId,
        ])
        .then((result) => result.rows)
        .catch(() => []);
      const run = rows[0];
      if (run?.status === 'succeeded') {
        tally.workflows.succeeded += 1;
        return;
      }
      if (run?.status === 'failed') {
        tally.workflows.failed += 1;
        tally.workflowErrors.push(`workflow ${index} (run ${runId}) failed: ${JSON.stringify(run.error)}`);
        return;
      }
      await sleep(1_000);
    }
    tally.workflows.unfinished += 1;
    tally.workflowErrors.push(`workflow ${index} (run ${runId}) did not end in time`);
  };

  const workflowStarter = async (): Promise<void> => {
    const runs: Promise<void>[] = [];
    const spacing = options.short ? 3_000 : 6_000;
    for (let index = 0; index < targets.workflows && sending; index++) {
      runs.push(runWorkflow(index));
      await sleep(spacing);
    }
    await Promise.all(runs);
  };

  const progress = setInterval(() => {
    say(
      `${((Date.now() - began) / 1000).toFixed(0)} s: sent ${tally.sent}, answered ${tally.answered}, errors ${tally.answeredWithError}, in flight ${tally.inFlight}, resends ${tally.resends}, faults ${chaos.total}/${targets.faults}, workflows ${tally.workflows.succeeded + tally.workflows.failed}/${tally.workflows.started} ended`,
    );
  }, PROGRESS_EVERY_MS);
  progress.unref();

  const chaosStarted = Date.now();
  chaosRunning = true;
  chaos.start();
  const senders = Array.from({ length: options.concurrency }, () => sender());
  const workflows = workflowStarter();

  // Until both targets are reached (or the run is out of time).
  while (!targetsReached() && Date.now() < sendUntil) await sleep(250);
  sending = false;
  say(`targets ${targetsReached() ? 'reached' : 'NOT reached in time'}; stopping the chaos…`);
  await chaos.stop();
  chaosRunning = false;
  const chaosMs = Date.now() - chaosStarted;
  say(`chaos stopped after ${(chaosMs / 1000).toFixed(0)} s and ${chaos.total} faults; waiting for answers…`);

  await Promise.all(senders);
  await workflows;
  clearInterval(progress);
  say(`every request answered or given up; draining the bus…`);
  const drained = await drain(pool, options.drainMs);
  say(drained ? 'drained' : `not drained within ${options.drainMs / 1000} s`);
  // One last round trip collects any reply still addressed to the client (a reply that arrived
  // after its request was answered through bus_outcome).
  await lastValueFrom(client.send<unknown>(Patterns.OrchestratorTemplates, {})).catch(() => undefined);
  await client.close();
  await consumer.server.close();

  const tables = await auditTables(pool, {
    workflowKeyPrefix,
    clientInstance,
    sentKeys: tally.keys,
  });
  await pool.end();

  const seen = tally.snapshot();
  const figures = soakFigures(seen, tables);
  const messages = tally.keys.length - tally.workflows.started;
  const reached = { messages, faults: chaos.total, workflows: tally.workflows.started };
  const verdict = soakVerdict(figures, reached, targets);
  if (unexpectedExits.length > 0) say(`agents that died without being killed: ${unexpectedExits.join(', ')}`);
  for (const line of tally.workflowErrors.slice(0, 10)) say(line);
  return {
    messages,
    workflows: tally.workflows.started,
    faults: chaos.total,
    redeliveries: tables.redeliveries,
    lost: figures.lost,
    duplicated: figures.duplicated,
    stuck: figures.stuck,
    p90_ms_under_chaos: percentile(tally.latenciesUnderChaos, 90),
    passed: verdict.passed,
    reasons: verdict.reasons,
    details: {
      seed,
      mode: options.short ? 'short' : 'full',
      targets,
      wall_s: Math.round((Date.now() - began) / 1000),
      chaos_s: Math.round(chaosMs / 1000),
      faults_by_kind: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, chaos.counts[kind]])),
      unexpected_agent_exits: unexpectedExits.length,
      client: {
        sent: seen.sent,
        answered: seen.answered,
        answered_with_error: seen.answeredWithError,
        mismatched: seen.mismatched,
        unanswered: seen.unanswered,
        resends: seen.resends,
        error_codes: Object.fromEntries(tally.errorCodes),
      },
      workflows: { ...tally.workflows, step_restarts: tables.stepRestarts },
      latency_ms: {
        p50_under_chaos: percentile(tally.latenciesUnderChaos, 50),
        p90_under_chaos: percentile(tally.latenciesUnderChaos, 90),
        p99_under_chaos: percentile(tally.latenciesUnderChaos, 99),
        max_under_chaos: percentile(tally.latenciesUnderChaos, 100),
        p90_overall: percentile(tally.latencies, 90),
      },
      lost: figures.lostParts,
      duplicated: figures.duplicatedParts,
      stuck: figures.stuckParts,
      event_consumer: {
        handled: consumer.handled.count,
        failed_on_purpose: consumer.handled.failedOnPurpose,
      },
      tables: {
        requests: tables.requests,
        requests_ended_in_error: tables.requestsEndedInError,
        event_deliveries: tables.eventDeliveries,
        events_done: tables.eventsDone,
        events_dead_with_reason: tables.eventsDeadWithReason,
        uncollected_replies_to_gone_requesters: tables.uncollectedOtherReplies,
      },
      drained,
    },
  };
}

/**
 * No agent of the stack subscribes to events, so the soak brings a consumer group of its own
 * (`soak-events`, in this process): every decision and codegen event fans out a delivery to it,
 * and one delivery in 50 fails its first attempt on purpose, so the retry path is part of the
 * soak too. Its LISTEN session is cut and its database restarted along with everyone else's.
 */
async function startEventConsumer(
  databaseUrl: string,
  seed: number,
): Promise<{ server: BusServer; handled: { count: number; failedOnPurpose: number } }> {
  const instanceId = `soak-events:${seed.toString(36)}`;
  const server = new BusServer(
    new PostgresDriver({ connectionString: databaseUrl, applicationName: instanceId, poolSize: 4 }),
    { group: 'soak-events', instanceId, concurrency: 32, retryBaseMs: 200 },
  );
  const handled = { count: 0, failedOnPurpose: 0 };
  const handle = (_data: unknown, context?: BusContext): Promise<void> => {
    if (context && context.getAttempt() === 1 && parseInt(context.getMessageId().slice(0, 8), 16) % 50 === 0) {
      handled.failedOnPurpose += 1;
      return Promise.reject(new Error('the soak fails this first attempt on purpose'));
    }
    handled.count += 1;
    return Promise.resolve();
  };
  for (const type of [Events.OrchestratorDecision, Events.CodegenCompleted]) server.addHandler(type, handle, true);
  await new Promise<void>((done, fail) =>
    server.listen((error?: unknown) =>
      error ? fail(error instanceof Error ? error : new Error('the soak event consumer could not listen')) : done(),
    ),
  );
  return { server, handled };
}

/** Waits until no request or event delivery is queued or claimed and no soak workflow runs. */
async function drain(pool: ReturnType<typeof createPgPool>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await pool
      .query<{ pending: string }>(
        `select (select count(*) from public.agent_messages where kind <> 'reply' and status in ('queued', 'claimed'))
              + (select count(*) from public.workflow_runs where status = 'running') as pending`,
      )
      .then((result) => result.rows)
      .catch(() => []);
    if (rows[0] && Number(rows[0].pending) === 0) return true;
    await sleep(1_000);
  }
  return false;
}

function renderReport(report: SoakReport): string {
  const details = report.details as {
    faults_by_kind: Record<string, number>;
    workflows: { succeeded: number; failed: number };
    client: { resends: number };
    tables: { event_deliveries: number };
    wall_s: number;
    seed: number;
  };
  return formatTable([
    ['messages', report.messages],
    ['workflows', `${report.workflows} (${details.workflows.succeeded} ok, ${details.workflows.failed} failed)`],
    ['faults', report.faults],
    ...Object.entries(details.faults_by_kind).map(([kind, count]) => [`  ${kind}`, count] as const),
    ['event deliveries', details.tables.event_deliveries],
    ['redeliveries', report.redeliveries],
    ['client resends', details.client.resends],
    ['lost', report.lost],
    ['duplicated', report.duplicated],
    ['stuck', report.stuck],
    ['p90_ms_under_chaos', report.p90_ms_under_chaos],
    ['wall time (s)', details.wall_s],
    ['seed', details.seed],
    ['verdict', report.passed ? 'PASS' : 'FAIL'],
  ]);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`FAIL: ${String(error)}`);
    process.exit(1);
  },
);
