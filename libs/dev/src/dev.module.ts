import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  BusActivityRepository,
  BusActivityService,
  BusSnapshotRepository,
  TraceListRepository,
  TraceQueryRepository,
} from '@cogo/telemetry';
import { TraceMiddleware } from '@cogo/tracing';
import { ArtifactsMiddleware } from './controllers/artifacts.middleware';
import { BusGateway } from './controllers/bus-gateway';
import { IntegrationDevController } from './controllers/integration-dev.controller';
import { MetricsDevController } from './controllers/metrics-dev.controller';
import { OrchestratorDevController } from './controllers/orchestrator-dev.controller';
import { PipelineDevController } from './controllers/pipeline-dev.controller';
import { WorkflowsDevController } from './controllers/workflows-dev.controller';
import { DEV_MODULE_OPTIONS, type DevModuleOptions } from './dev-module.options';
import { BusLiveService } from './viewer/bus-live.service';
import { TraceUrlInterceptor } from './viewer/trace-url.interceptor';
import { TraceViewerService } from './viewer/trace-viewer.service';
import { ViewerController } from './viewer/viewer.controller';

/**
 * Every developer-only HTTP endpoint: `/api/*`, `/artifacts/*` and the viewer under `/dev`.
 * Imported only in development mode; in production the module is not loaded, so none of these
 * routes exists. The controllers are thin HTTP adapters over bus requests to the agents; answers
 * that carry a `trace_id` also get the `trace_url` of its page in the viewer.
 */
@Module({})
export class DevModule implements NestModule {
  static register(options: DevModuleOptions): DynamicModule {
    return {
      module: DevModule,
      controllers: [
        OrchestratorDevController,
        WorkflowsDevController,
        PipelineDevController,
        IntegrationDevController,
        MetricsDevController,
        ViewerController,
      ],
      providers: [
        BusGateway,
        ArtifactsMiddleware,
        { provide: DEV_MODULE_OPTIONS, useValue: options },
        BusActivityService,
        TraceQueryRepository,
        BusActivityRepository,
        BusSnapshotRepository,
        TraceListRepository,
        BusLiveService,
        TraceViewerService,
        { provide: APP_INTERCEPTOR, useClass: TraceUrlInterceptor },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TraceMiddleware).forRoutes('api/*path');
    consumer.apply(ArtifactsMiddleware).forRoutes('artifacts/*path');
  }
}
