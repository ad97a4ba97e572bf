import { Injectable } from '@nestjs/common';
import { Patterns } from '@cogo/contracts';
import type { GatesJsonReport } from '@cogo/gates';
import {
  BusActivityService,
  TraceListRepository,
  type TraceListEntry,
  TraceNotFoundException,
  type TraceView,
} from '@cogo/telemetry';
import { BusGateway } from '../controllers/bus-gateway';
import type { TraceGate, TracePageModel } from './pages/trace.page';

/**
 * Traces started by these patterns are lookups that change nothing; waiting for a run asks its
 * state twice a second, so listing them would bury the flows.
 */
export const LOOKUP_PATTERNS: readonly string[] = [
  Patterns.OrchestratorState,
  Patterns.OrchestratorGate,
  Patterns.OrchestratorTemplates,
  Patterns.OrchestratorDecisionQuality,
  Patterns.CodegenIntegrationStatus,
];

const GATE_TIMEOUT_MS = 10_000;

/** What the trace pages show: recent traces, and one trace with its run and gate verdict. */
@Injectable()
export class TraceViewerService {
  constructor(
    private readonly activity: BusActivityService,
    private readonly traces: TraceListRepository,
    private readonly gateway: BusGateway,
  ) {}

  recent(limit: number, withLookups: boolean): Promise<TraceListEntry[]> {
    return this.traces.recent(limit, withLookups ? [] : LOOKUP_PATTERNS);
  }

  /** The trace, its workflow run and the run's gate verdict; `null` when no row carries the id. */
  async page(traceId: string): Promise<TracePageModel | null> {
    let view: TraceView;
    try {
      view = await this.activity.trace(traceId);
    } catch (error) {
      if (error instanceof TraceNotFoundException) return null;
      throw error;
    }
    const run = await this.traces.runOfTrace(traceId);
    return { view, run, gate: run ? await this.gateOf(run.id) : null };
  }

  /** Asked of the orchestrator, which judges runs (`orchestrator.gate`), so there is one judge. */
  private async gateOf(runId: string): Promise<TraceGate> {
    try {
      return {
        report: await this.gateway.request<GatesJsonReport>(Patterns.OrchestratorGate, { runId }, GATE_TIMEOUT_MS),
      };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  }
}
