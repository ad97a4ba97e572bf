import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES, Capabilities } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';
import { CogoWorkerGenerator } from './generators/cogo-worker.generator';
import { LlmGenerator } from './generators/llm.generator';
import { TemplateGenerator } from './generators/template.generator';
import { CodegenHandler } from './handlers/codegen.handler';
import { IntegrationStatusHandler } from './handlers/integration-status.handler';
import { ArtifactRepository } from './repositories/artifact.repository';
import { HttpRepository } from './repositories/http.repository';
import { CodegenService } from './services/codegen.service';
import { IntegrationStatusService } from './services/integration-status.service';

/** Generates code from a spec and writes it as artifacts. */
@Module({})
export class CodegenWorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CodegenWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({ ...busOptionsFor(config, [Capabilities.CodegenGenerate]), routes: BUS_ROUTES }),
        HealthModule,
      ],
      controllers: [CodegenHandler, IntegrationStatusHandler],
      providers: [
        CodegenService,
        IntegrationStatusService,
        TemplateGenerator,
        LlmGenerator,
        CogoWorkerGenerator,
        ArtifactRepository,
        HttpRepository,
      ],
    };
  }
}
