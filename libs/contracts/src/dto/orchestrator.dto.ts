import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export const WORKFLOW_TEMPLATES = ['indexing', 'codeBuildTest'] as const;
export type WorkflowTemplate = (typeof WORKFLOW_TEMPLATES)[number];

/** `orchestrator.plan`: an intent in words, optionally with the template already chosen. */
export class PlanRequestDto {
  @IsString()
  @Length(1, 2000)
  intent!: string;

  @IsOptional()
  @IsIn(WORKFLOW_TEMPLATES)
  template?: WorkflowTemplate;

  /** Template input: `{spec}` for codeBuildTest, `{root, repository?}` for indexing. */
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

export interface PlanStep {
  readonly name: string;
  readonly capability: string;
  /** The step's input; `{"$from": "<step>.<field>"}` values are taken from an earlier step's output. */
  readonly input: Record<string, unknown>;
}

export interface RejectedAlternative {
  readonly template: WorkflowTemplate;
  readonly score: number;
  readonly reason: string;
}

/** Answer of `orchestrator.plan`. `template` is null when the intent is ambiguous or invalid. */
export interface Plan {
  readonly planId: string;
  readonly decisionId: string;
  readonly intent: string;
  readonly template: WorkflowTemplate | null;
  readonly confidence: number;
  readonly reason: string;
  readonly steps: readonly PlanStep[];
  readonly rejected: readonly RejectedAlternative[];
}

/** `orchestrator.execute`: run a plan made earlier, or plan and run in one go. */
export class ExecuteRequestDto {
  @IsOptional()
  @IsUUID()
  planId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  intent?: string;

  @IsOptional()
  @IsIn(WORKFLOW_TEMPLATES)
  template?: WorkflowTemplate;

  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  /** A repeat with the same key starts no second run. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/)
  idempotencyKey?: string;
}

/** `orchestrator.state` */
export class StateRequestDto {
  @IsUUID()
  runId!: string;
}

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export interface StepState {
  readonly index: number;
  readonly name: string;
  readonly capability: string;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly output: unknown;
  readonly error: { code: string; message: string } | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface RunState {
  readonly runId: string;
  readonly traceId: string;
  readonly template: WorkflowTemplate;
  readonly status: RunStatus;
  readonly decisionId: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly error: { code: string; message: string } | null;
  readonly steps: readonly StepState[];
}

/** Answer of `orchestrator.execute`: the run started (or already existed). */
export interface ExecuteAccepted {
  readonly runId: string;
  readonly traceId: string;
  readonly template: WorkflowTemplate;
  readonly status: RunStatus;
}

/** `orchestrator.intake` (from the Edge Function). */
export class IntakeRequestDto {
  @IsString()
  @Length(1, 2000)
  intent!: string;

  @IsOptional()
  @IsIn(WORKFLOW_TEMPLATES)
  template?: WorkflowTemplate;

  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  caller?: Record<string, unknown>;
}

/** Answer of `orchestrator.templates`. */
export interface TemplateInfo {
  readonly name: WorkflowTemplate;
  readonly description: string;
  readonly input: Readonly<Record<string, string>>;
  readonly steps: readonly { name: string; capability: string }[];
}
