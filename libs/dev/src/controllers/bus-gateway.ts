import { Injectable } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient, BusRecordBuilder } from '@cogo/bus';
import { type ExecuteAccepted, Patterns, type RunState } from '@cogo/contracts';
import { childSpan, runWithTrace } from '@cogo/tracing';

const WAIT_LIMIT_MS = 120_000;

/** What the dev controllers ask of the agents: requests over the bus, never direct calls. */
@Injectable()
export class BusGateway {
  constructor(private readonly bus: BusClient) {}

  request<T>(pattern: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
    return lastValueFrom(this.bus.send<T>(pattern, new BusRecordBuilder(payload).setTimeout(timeoutMs).build()));
  }

  /** The run's state once it has finished, or as it stands after the wait limit. */
  async waitForRun(runId: string): Promise<RunState> {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      // Each poll is a trace of its own, so waiting does not clutter the workflow's trace.
      const state = await runWithTrace(childSpan(), () =>
        this.request<RunState>(Patterns.OrchestratorState, { runId }),
      );
      if (state.status !== 'running' || Date.now() > deadline) return state;
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  async startRun(payload: Record<string, unknown>, wait: boolean | undefined): Promise<RunAnswer> {
    const accepted = await this.request<ExecuteAccepted>(Patterns.OrchestratorExecute, payload);
    const state = wait ? await this.waitForRun(accepted.runId) : undefined;
    return runAnswer(accepted, state);
  }
}

export interface RunAnswer {
  readonly run_id: string;
  readonly trace_id: string;
  readonly template: string;
  readonly status: string;
  readonly links: Readonly<Record<string, string>>;
  readonly state?: unknown;
}

/** The snake_case HTTP answer to a flow that was started, with where to look next. */
export function runAnswer(accepted: ExecuteAccepted, state?: RunState): RunAnswer {
  return {
    run_id: accepted.runId,
    trace_id: accepted.traceId,
    template: accepted.template,
    status: state?.status ?? accepted.status,
    links: {
      state: `/api/orchestrator/state/${accepted.runId}`,
      trace: `/api/metrics/trace/${accepted.traceId}`,
      artifacts: `/artifacts/${accepted.traceId}/`,
    },
    ...(state ? { state: toSnakeCase(state) } : {}),
  };
}

/** Keys to snake_case, deeply, for the HTTP wire (values untouched). */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`),
        toSnakeCase(inner),
      ]),
    );
  }
  return value;
}
