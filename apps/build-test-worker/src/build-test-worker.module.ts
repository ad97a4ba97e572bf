import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES, Capabilities } from '@cogo/contracts';
import { HealthModule } from '@cogo/telemetry';
import { CompileHandler } from './handlers/compile.handler';
import { TestRunHandler } from './handlers/test-run.handler';
import { ArtifactRepository } from './repositories/artifact.repository';
import { ProcessRepository } from './repositories/process.repository';
import { ToolchainRepository } from './repositories/toolchain.repository';
import { WorkspaceRepository } from './repositories/workspace.repository';
import { DEFAULT_SANDBOX_OPTIONS, SANDBOX_OPTIONS, type SandboxOptions } from './sandbox.options';
import { CompileService } from './services/compile.service';
import { SandboxService } from './services/sandbox.service';
import { TestRunService } from './services/test-run.service';
import { WorkspaceService } from './services/workspace.service';

/**
 * Sandboxed runs are CPU- and memory-heavy (each may use the whole memory cap), so one instance
 * takes only a couple at a time; scale out with replicas instead.
 */
const CONCURRENT_RUNS = 2;

/** Compiles and tests a workspace in a sandboxed child process. */
@Module({})
export class BuildTestWorkerModule {
  static register(config: AppConfig, sandbox: Partial<SandboxOptions> = {}): DynamicModule {
    return {
      module: BuildTestWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        BusModule.forRoot({
          ...busOptionsFor(config, [Capabilities.BuildCompile, Capabilities.TestRun]),
          routes: BUS_ROUTES,
          server: { concurrency: CONCURRENT_RUNS },
        }),
        HealthModule,
      ],
      controllers: [CompileHandler, TestRunHandler],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: { ...DEFAULT_SANDBOX_OPTIONS, ...sandbox } },
        WorkspaceService,
        SandboxService,
        CompileService,
        TestRunService,
        ArtifactRepository,
        ProcessRepository,
        ToolchainRepository,
        WorkspaceRepository,
      ],
    };
  }
}
