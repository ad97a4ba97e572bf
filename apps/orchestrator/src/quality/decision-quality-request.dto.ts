import { IsInt, Max, Min } from 'class-validator';
import { MAX_WINDOW_MS } from '@cogo/telemetry';

/** `orchestrator.decision-quality`: the window of decisions to judge, ending now. */
export class DecisionQualityRequestDto {
  @IsInt()
  @Min(1_000)
  @Max(MAX_WINDOW_MS)
  windowMs!: number;
}
