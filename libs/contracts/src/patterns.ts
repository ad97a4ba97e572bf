/**
 * Message patterns of the system: `send()` targets (request/reply) and the event types of
 * `emit()`. Agents refer to these constants, never to string literals.
 */
export const Patterns = {
  /** Orchestrator: intent -> plan (template + steps); records an `orchestrator.decision` event. */
  OrchestratorPlan: 'orchestrator.plan',
  /** Orchestrator: start a workflow run from a plan (or an intent); answers at once with the run id. */
  OrchestratorExecute: 'orchestrator.execute',
  /** Orchestrator: where a workflow run stands. */
  OrchestratorState: 'orchestrator.state',
  /** Orchestrator: the workflow templates it can run, with their steps and input. */
  OrchestratorTemplates: 'orchestrator.templates',
  /** Orchestrator: the quality-gate verdict of one run's trace. */
  OrchestratorGate: 'orchestrator.gate',
  /** Orchestrator: an external intent from the Edge Function (plan + execute). */
  OrchestratorIntake: 'orchestrator.intake',
  /** Executor-dispatcher: run one capability on a live agent that declared it. */
  DispatcherExecute: 'dispatcher.execute',
  /** Codegen worker: generate code from a spec into an artifact workspace. */
  CodegenGenerate: 'codegen.generate',
  /** Codegen worker: reachability of the optional generators (cogo-worker, LLM). */
  CodegenIntegrationStatus: 'codegen.integration-status',
  /** Build-test worker: compile a workspace. */
  BuildCompile: 'build.compile',
  /** Build-test worker: run the tests of a compiled workspace. */
  TestRun: 'test.run',
  /** Indexing worker: index a source tree into Postgres. */
  IndexRepository: 'index.repository',
  /** Orchestrator: online decision quality over a window and offline accuracy on the labelled set. */
  OrchestratorDecisionQuality: 'orchestrator.decision-quality',
} as const;

export type Pattern = (typeof Patterns)[keyof typeof Patterns];

/** Facts published with `emit()` and kept in `bus_events`. */
export const Events = {
  OrchestratorDecision: 'orchestrator.decision',
  OrchestratorDecisionOutcome: 'orchestrator.decision.outcome',
  WorkflowStarted: 'workflow.started',
  WorkflowStepStarted: 'workflow.step.started',
  WorkflowStepCompleted: 'workflow.step.completed',
  WorkflowStepFailed: 'workflow.step.failed',
  WorkflowCompleted: 'workflow.completed',
  WorkflowFailed: 'workflow.failed',
  CodegenCompleted: 'codegen.completed',
  BuildCompleted: 'build.completed',
  TestCompleted: 'test.completed',
  IndexProgress: 'index.progress',
  IndexCompleted: 'index.completed',
} as const;

export type EventType = (typeof Events)[keyof typeof Events];

/** Capabilities a worker can declare (`agent_instances.capabilities`) and the dispatcher routes. */
export const Capabilities = {
  CodegenGenerate: Patterns.CodegenGenerate,
  BuildCompile: Patterns.BuildCompile,
  TestRun: Patterns.TestRun,
  IndexRepository: Patterns.IndexRepository,
} as const;

export type Capability = (typeof Capabilities)[keyof typeof Capabilities];

export const CAPABILITIES: readonly Capability[] = Object.values(Capabilities);

/** Which consumer group serves which patterns: the bus route table every agent uses. */
export const BUS_ROUTES: Readonly<Record<string, string>> = {
  'orchestrator.*': 'orchestrator',
  'dispatcher.*': 'executor-dispatcher',
  'codegen.*': 'codegen-worker',
  'build.*': 'build-test-worker',
  'test.*': 'build-test-worker',
  'index.*': 'indexing-worker',
};
