import { newSpanId, newTraceId } from '@cogo/tracing';
import {
  type AgentMessageRow,
  type Queryable,
  busClaim,
  busComplete,
  busFail,
  busPublish,
  busSend,
  busSubscribe,
  busTakeReplies,
  leaseOf,
} from '../bus-sql/bus-functions';

/** Agent instances of the scenario; groups are the part before the colon. */
export const INSTANCES = {
  orchestrator: 'orchestrator:0a0a0a0a',
  dispatcher: 'executor-dispatcher:0b0b0b0b',
  codegen: 'codegen-worker:0c0c0c0c',
  buildTest: 'build-test-worker:0d0d0d0d',
  audit: 'audit-log:0e0e0e0e',
} as const;

/** Pauses that give the rows measurable waits and handler times (real time, database clock). */
export const PAUSES = { executeQueued: 30, generateQueued: 25, generating: 40 } as const;

export interface CodeBuildTestScenario {
  readonly traceId: string;
  /** The span of the HTTP request that started the trace: no row carries it. */
  readonly httpSpanId: string;
  readonly ids: {
    readonly execute: string;
    readonly dispatch: string;
    readonly generate: string;
    readonly compile: string;
    readonly test: string;
    readonly index: string;
    readonly decision: string;
    readonly codegenCompleted: string;
  };
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function claimOne(db: Queryable, group: string, instance: string): Promise<AgentMessageRow> {
  const [claimed] = await busClaim(db, group, instance, { max: 1 });
  if (!claimed) throw new Error(`${instance} found nothing to claim for ${group}`);
  return claimed;
}

/**
 * A codeBuildTest-shaped conversation played with the bus SQL functions, as the agents play it:
 * the orchestrator takes `orchestrator.execute`, records its decision (an event one group
 * subscribes to) and asks the dispatcher, which runs codegen, compile and test in turn (the test
 * fails without a retry) and answers; every reply is taken by its requester. A last request to the
 * indexing worker is left queued. Uses the fixed group names above: run it once per database.
 */
export async function playCodeBuildTest(db: Queryable): Promise<CodeBuildTestScenario> {
  const traceId = newTraceId();
  const httpSpanId = newSpanId();
  const span = { execute: newSpanId(), dispatch: newSpanId(), generate: newSpanId() };
  await busSubscribe(db, 'audit-log', ['orchestrator.decision']);

  const [execute] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      span_id: span.execute,
      parent_span_id: httpSpanId,
      pattern: 'orchestrator.execute',
      sender: INSTANCES.orchestrator,
      recipient: 'orchestrator',
      payload: { template: 'codeBuildTest' },
    },
  ]);
  await pause(PAUSES.executeQueued);
  const executeLease = await claimOne(db, 'orchestrator', INSTANCES.orchestrator);
  const [decision] = await busPublish(db, [
    {
      trace_id: traceId,
      parent_span_id: span.execute,
      type: 'orchestrator.decision',
      source: 'orchestrator',
      data: { decisionId: 'decision-1', template: 'codeBuildTest' },
    },
  ]);
  const [dispatch] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      span_id: span.dispatch,
      parent_span_id: span.execute,
      pattern: 'dispatcher.execute',
      sender: INSTANCES.orchestrator,
      recipient: 'executor-dispatcher',
      payload: { capability: 'codegen.generate' },
    },
  ]);
  await busComplete(db, leaseOf(executeLease), INSTANCES.orchestrator, { runId: 'run-1' });
  await busTakeReplies(db, INSTANCES.orchestrator);

  const dispatchLease = await claimOne(db, 'executor-dispatcher', INSTANCES.dispatcher);
  const [generate] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      span_id: span.generate,
      parent_span_id: span.dispatch,
      pattern: 'codegen.generate',
      sender: INSTANCES.dispatcher,
      recipient: 'codegen-worker',
    },
  ]);
  await pause(PAUSES.generateQueued);
  const generateLease = await claimOne(db, 'codegen-worker', INSTANCES.codegen);
  await pause(PAUSES.generating);
  const [codegenCompleted] = await busPublish(db, [
    {
      trace_id: traceId,
      parent_span_id: span.generate,
      type: 'codegen.completed',
      source: 'codegen-worker',
      data: { workspace: `${traceId}/math` },
    },
  ]);
  await busComplete(db, leaseOf(generateLease), INSTANCES.codegen, { workspace: `${traceId}/math` });
  await busTakeReplies(db, INSTANCES.dispatcher);

  const [compile] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      parent_span_id: span.dispatch,
      pattern: 'build.compile',
      sender: INSTANCES.dispatcher,
      recipient: 'build-test-worker',
    },
  ]);
  await busComplete(db, leaseOf(await claimOne(db, 'build-test-worker', INSTANCES.buildTest)), INSTANCES.buildTest, {
    ok: true,
  });
  await busTakeReplies(db, INSTANCES.dispatcher);

  const [test] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      parent_span_id: span.dispatch,
      pattern: 'test.run',
      sender: INSTANCES.dispatcher,
      recipient: 'build-test-worker',
    },
  ]);
  await busFail(
    db,
    leaseOf(await claimOne(db, 'build-test-worker', INSTANCES.buildTest)),
    INSTANCES.buildTest,
    { code: 'TESTS_FAILED', message: '1 of 3 test(s) failed' },
    { retryable: false },
  );
  await busTakeReplies(db, INSTANCES.dispatcher);
  await busComplete(db, leaseOf(dispatchLease), INSTANCES.dispatcher, { ok: false });
  await busTakeReplies(db, INSTANCES.orchestrator);

  await busComplete(db, leaseOf(await claimOne(db, 'audit-log', INSTANCES.audit)), INSTANCES.audit);

  const [index] = await busSend(db, [
    {
      kind: 'request',
      trace_id: traceId,
      parent_span_id: newSpanId(),
      pattern: 'index.repository',
      sender: INSTANCES.orchestrator,
      recipient: 'indexing-worker',
    },
  ]);
  return {
    traceId,
    httpSpanId,
    ids: {
      execute: execute.id,
      dispatch: dispatch.id,
      generate: generate.id,
      compile: compile.id,
      test: test.id,
      index: index.id,
      decision: decision.id,
      codegenCompleted: codegenCompleted.id,
    },
  };
}
