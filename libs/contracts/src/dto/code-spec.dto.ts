import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

/** TypeScript types a spec may use for parameters and results. */
export const SPEC_TYPES = ['number', 'string', 'boolean', 'number[]', 'string[]', 'boolean[]'] as const;
export type SpecType = (typeof SPEC_TYPES)[number];

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

export class SpecParameterDto {
  @Matches(IDENTIFIER, {
    message: 'name must be a TypeScript identifier (letters, digits, _; not starting with a digit)',
  })
  name!: string;

  @IsIn(SPEC_TYPES)
  type!: SpecType;
}

/** One example call: the generated test asserts `fn(...args)` deep-equals `expected`. */
export class SpecExampleDto {
  @IsArray()
  @ArrayMaxSize(16)
  args!: unknown[];

  @IsDefined()
  expected!: unknown;
}

export class SpecFunctionDto {
  @Matches(IDENTIFIER, {
    message: 'name must be a TypeScript identifier (letters, digits, _; not starting with a digit)',
  })
  name!: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => SpecParameterDto)
  params!: SpecParameterDto[];

  @IsIn(SPEC_TYPES)
  returns!: SpecType;

  /**
   * The body as one TypeScript expression over the parameters (`a + b`, `s.split('').reverse().join('')`).
   * Required by the deterministic generator; an LLM generator may write the body from the description.
   */
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  expression?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => SpecExampleDto)
  examples!: SpecExampleDto[];
}

/** What to generate: one TypeScript module of functions, with tests from the examples. */
export class CodeSpecDto {
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'module must be lowercase letters, digits and dashes' })
  module!: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => SpecFunctionDto)
  functions!: SpecFunctionDto[];
}
