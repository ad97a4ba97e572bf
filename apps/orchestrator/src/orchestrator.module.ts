import { type DynamicModule, Module } from '@nestjs/common';
import { BusModule, busOptionsFor } from '@cogo/bus';
import { type AppConfig, ConfigModule } from '@cogo/config';
import { BUS_ROUTES } from '@cogo/contracts';
import { DevModule } from '@cogo/dev';
import { StoreModule } from '@cogo/store';
import { HealthModule } from '@cogo/telemetry';
import { BusSweepService, SWEEP_OPTIONS } from './housekeeping/bus-sweep.service';
import { OrchestratorHandler } from './orchestrator.handler';
import { PlanningService } from './planning/planning.service';
import { DecisionEventRepository } from './quality/decision-event.repository';
import { DecisionQualityService } from './quality/decision-quality.service';
import { EvaluationSetRepository } from './quality/evaluation-set.repository';
import { QualityHandler } from './quality/quality.handler';
import { RunGateService } from './runs/run-gate.service';
import { RunRepository } from './runs/run.repository';
import { RunsService } from './runs/runs.service';
import { TraceOutcomeRepository } from './runs/trace-outcome.repository';
import { RUNNER_OPTIONS, WorkflowRunner } from './runs/workflow-runner.service';

/**
 * Turns intents into plans, runs workflows and records its decisions. In development it also
 * serves the developer API (DevModule); in production that module is not even loaded.
 */
@Module({})
export class OrchestratorModule {
  static register(config: AppConfig): DynamicModule {
    if (!config.databaseUrl) {
      throw new Error(
        'The orchestrator keeps its workflow runs in Postgres: set DATABASE_URL (on Supabase: the connection string under Project Settings > Database).',
      );
    }
    return {
      module: OrchestratorModule,
      imports: [
        ConfigModule.forRoot(config),
        StoreModule.forRoot({ connectionString: config.databaseUrl, applicationName: `${config.instanceId}:store` }),
        BusModule.forRoot({
          ...busOptionsFor(config),
          routes: BUS_ROUTES,
          client: { timeoutMs: 30_000 },
        }),
        HealthModule,
        ...(config.mode === 'development' ? [DevModule.register({ artifactsBase: config.artifactsBase })] : []),
      ],
      controllers: [OrchestratorHandler, QualityHandler],
      providers: [
        PlanningService,
        RunRepository,
        RunsService,
        RunGateService,
        TraceOutcomeRepository,
        WorkflowRunner,
        DecisionQualityService,
        DecisionEventRepository,
        EvaluationSetRepository,
        { provide: RUNNER_OPTIONS, useValue: { leaseMs: 10_000, resumeIntervalMs: 2_000 } },
        BusSweepService,
        { provide: SWEEP_OPTIONS, useValue: { intervalMs: 60_000, replyTtlMs: 600_000, instanceTtlMs: 600_000 } },
      ],
    };
  }
}
