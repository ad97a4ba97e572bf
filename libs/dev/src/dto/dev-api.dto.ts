import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  CAPABILITIES,
  type Capability,
  CodeSpecDto,
  GENERATORS,
  type GeneratorName,
  IndexRepositoryDto,
  WORKFLOW_TEMPLATES,
  type WorkflowTemplate,
} from '@cogo/contracts';

/**
 * Bodies of the developer HTTP API. The wire is snake_case (like the rest of the HTTP API); the
 * controllers translate to the camelCase bus contracts.
 */
export class PlanBody {
  @IsString()
  @Length(1, 2000)
  intent!: string;

  @IsOptional()
  @IsIn(WORKFLOW_TEMPLATES)
  template?: WorkflowTemplate;

  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

export class ExecuteBody {
  @IsOptional()
  @IsUUID()
  plan_id?: string;

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

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/, { message: 'idempotency_key must be 1-128 of letters, digits, _ . : -' })
  idempotency_key?: string;

  /** Wait for the run to finish (up to 2 minutes) and answer with its final state. */
  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class WorkflowExecuteBody {
  @IsIn(WORKFLOW_TEMPLATES)
  template!: WorkflowTemplate;

  @IsObject()
  input!: Record<string, unknown>;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/, { message: 'idempotency_key must be 1-128 of letters, digits, _ . : -' })
  idempotency_key?: string;

  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class CodeBuildTestBody {
  @IsDefined()
  @ValidateNested()
  @Type(() => CodeSpecDto)
  spec!: CodeSpecDto;

  @IsOptional()
  @IsIn(GENERATORS)
  generator?: GeneratorName;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/, { message: 'idempotency_key must be 1-128 of letters, digits, _ . : -' })
  idempotency_key?: string;

  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

/** `root` and `repository` as the indexing worker validates them, so a bad root is a 400 here. */
export class IndexingBody extends IndexRepositoryDto {
  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class PipelineExecuteBody {
  @IsIn(CAPABILITIES)
  capability!: Capability;

  @IsObject()
  input!: Record<string, unknown>;
}

export class RunIdParam {
  @IsUUID()
  run_id!: string;
}
