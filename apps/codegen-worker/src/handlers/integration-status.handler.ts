import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type IntegrationStatus, Patterns } from '@cogo/contracts';
import { IntegrationStatusService } from '../services/integration-status.service';

@Controller()
export class IntegrationStatusHandler {
  constructor(private readonly integrations: IntegrationStatusService) {}

  /** The payload is `{}` and carries nothing to read. */
  @MessagePattern(Patterns.CodegenIntegrationStatus)
  status(): Promise<IntegrationStatus> {
    return this.integrations.status();
  }
}
