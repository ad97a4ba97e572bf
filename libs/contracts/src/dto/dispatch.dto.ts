import { IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { CAPABILITIES, type Capability } from '../patterns';

/** `dispatcher.execute`: run one capability on a live agent that declared it. */
export class DispatchRequestDto {
  @IsIn(CAPABILITIES)
  capability!: Capability;

  @IsObject()
  input!: Record<string, unknown>;

  /** Overrides the capability's default timeout. */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(900_000)
  timeoutMs?: number;
}

/** Answer of `dispatcher.execute`. */
export interface DispatchResult {
  readonly capability: Capability;
  /** The consumer group that ran it. */
  readonly agent: string;
  readonly attempts: number;
  readonly durationMs: number;
  readonly output: unknown;
}

/** Error codes of `dispatcher.execute`, carried by the error reply. */
export const DispatchErrorCode = {
  NoCapableAgent: 'NO_CAPABLE_AGENT',
  TimedOut: 'STEP_TIMED_OUT',
  Failed: 'STEP_FAILED',
} as const;
