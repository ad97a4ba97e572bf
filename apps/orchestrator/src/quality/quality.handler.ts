import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Patterns } from '@cogo/contracts';
import type { DecisionQualityReport } from '@cogo/telemetry';
import { DecisionQualityRequestDto } from './decision-quality-request.dto';
import { DecisionQualityService } from './decision-quality.service';

/** The orchestrator's judgement of its own decisions, on the bus. */
@Controller()
export class QualityHandler {
  constructor(private readonly quality: DecisionQualityService) {}

  @MessagePattern(Patterns.OrchestratorDecisionQuality)
  decisionQuality(@Payload() request: DecisionQualityRequestDto): Promise<DecisionQualityReport> {
    return this.quality.report(request.windowMs);
  }
}
