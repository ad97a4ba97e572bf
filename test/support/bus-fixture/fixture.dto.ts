import { IsInt, IsString, Max, Min } from 'class-validator';

/** A payload with rules, to prove that ValidationPipe reaches bus handlers. */
export class GreetDto {
  @IsString()
  name!: string;

  @IsInt()
  @Min(0)
  @Max(150)
  age!: number;
}

export interface WorkPayload {
  /** Recorded in fixture_executions, to count how often an effect ran. */
  readonly key: string;
  /** How long the handler takes. */
  readonly sleepMs?: number;
}

/** One run of a handler's effect, as the fixture worker prints it. */
export interface FixtureExecution {
  readonly messageId: string;
  readonly key: string;
  readonly instanceId: string;
  readonly attempt: number;
  readonly traceId: string;
}
