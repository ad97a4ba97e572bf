import { Controller, Get, UseFilters } from '@nestjs/common';
import { Patterns } from '@cogo/contracts';
import { BusToHttpFilter } from '../filters/bus-to-http.filter';
import { BusGateway, toSnakeCase } from './bus-gateway';

/** Reachability of the optional generators (cogo-worker, LLM), as the codegen worker sees them. */
@Controller('api/integration')
@UseFilters(BusToHttpFilter)
export class IntegrationDevController {
  constructor(private readonly gateway: BusGateway) {}

  @Get('status')
  async status(): Promise<unknown> {
    return toSnakeCase(await this.gateway.request<unknown>(Patterns.CodegenIntegrationStatus, {}, 15_000));
  }
}
