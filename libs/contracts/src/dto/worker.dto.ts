import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CodeSpecDto } from './code-spec.dto';

export const GENERATORS = ['template', 'llm', 'cogo-worker'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

/** A workspace is addressed relative to ARTIFACTS_BASE, never by an absolute path. */
const WORKSPACE = /^[a-zA-Z0-9_.-]+(\/[a-zA-Z0-9_.-]+)*$/;

/** `codegen.generate` */
export class CodegenGenerateDto {
  @IsDefined()
  @ValidateNested()
  @Type(() => CodeSpecDto)
  spec!: CodeSpecDto;

  @IsOptional()
  @IsIn(GENERATORS)
  generator?: GeneratorName;
}

/** Answer of `codegen.generate`. */
export interface CodegenResult {
  /** Relative to ARTIFACTS_BASE: `<trace_id>/<module>`. */
  readonly workspace: string;
  readonly generator: GeneratorName;
  readonly files: readonly { path: string; bytes: number; sha256: string }[];
}

/** Data of the `codegen.completed` event, published once the workspace is written. */
export interface CodegenCompletedEvent {
  /** Relative to ARTIFACTS_BASE: `<trace_id>/<module>`. */
  readonly workspace: string;
  readonly generator: GeneratorName;
  /** How many files were written. */
  readonly files: number;
}

/** `build.compile` and `test.run`. */
export class WorkspaceDto {
  @IsString()
  @Matches(WORKSPACE, {
    message: 'workspace must be a relative artifact path like <trace_id>/<module> (no "..", no leading /)',
  })
  @Length(1, 300)
  workspace!: string;

  @IsOptional()
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  timeoutMs?: number;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Answer of `build.compile`: a failed compile is a result, not an error. */
export interface CompileResult {
  readonly workspace: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly durationMs: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Artifact paths (relative to ARTIFACTS_BASE) of the full logs. */
  readonly logs: readonly string[];
}

export interface TestCaseResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  readonly failure?: string;
}

/** Answer of `test.run`: failing tests are a result, not an error. */
export interface TestRunResult {
  readonly workspace: string;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly tests: readonly TestCaseResult[];
  readonly logs: readonly string[];
}

/**
 * An index root that stays where it was pointed: not the filesystem root (`/`, `//`, `/.`), and no `..`
 * segment that climbs out of the directory it names (`/srv/../..`, `../../etc`).
 */
const INDEX_ROOT = /^(?!\/[/.]*$)(?!(?:.*\/)?\.\.(?:\/|$))/;

/** `index.repository` */
export class IndexRepositoryDto {
  /** Directory to index; absolute, or relative to the indexing worker's working directory. */
  @IsString()
  @Length(1, 1000)
  @Matches(INDEX_ROOT, {
    message: 'root must name a directory below the filesystem root, without ".." segments (like /home/me/project)',
  })
  root!: string;

  /** Stable name of the repository in the index; defaults to the directory's base name. */
  @IsOptional()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/)
  repository?: string;
}

export interface IndexResult {
  readonly repository: string;
  readonly filesSeen: number;
  readonly filesIndexed: number;
  readonly filesUnchanged: number;
  readonly filesDeleted: number;
  readonly symbols: number;
  readonly durationMs: number;
}
