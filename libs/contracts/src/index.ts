// DTO decorators store their metadata with the Reflect API; load it wherever the contracts are used.
import 'reflect-metadata';

export {
  CodeSpecDto,
  SPEC_TYPES,
  SpecExampleDto,
  SpecFunctionDto,
  SpecParameterDto,
  type SpecType,
} from './dto/code-spec.dto';
export { DispatchErrorCode, DispatchRequestDto, type DispatchResult } from './dto/dispatch.dto';
export type { CogoWorkerStatus, IntegrationStatus, LlmStatus } from './dto/integration-status.dto';
export {
  ExecuteRequestDto,
  IntakeRequestDto,
  PlanRequestDto,
  StateRequestDto,
  WORKFLOW_TEMPLATES,
  type ExecuteAccepted,
  type Plan,
  type PlanStep,
  type RejectedAlternative,
  type RunState,
  type RunStatus,
  type StepState,
  type StepStatus,
  type TemplateInfo,
  type WorkflowTemplate,
} from './dto/orchestrator.dto';
export {
  CodegenGenerateDto,
  GENERATORS,
  IndexRepositoryDto,
  WorkspaceDto,
  type CodegenCompletedEvent,
  type CodegenResult,
  type CompileResult,
  type Diagnostic,
  type GeneratorName,
  type IndexResult,
  type TestCaseResult,
  type TestRunResult,
} from './dto/worker.dto';
export {
  BUS_ROUTES,
  CAPABILITIES,
  Capabilities,
  Events,
  Patterns,
  type Capability,
  type EventType,
  type Pattern,
} from './patterns';
