import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PermanentRpcException } from '@cogo/bus';
import { GATES_CONFIG_PATH, evaluateTraceGates, parseGatesConfig, toJsonReport } from '@cogo/gates';
import { RunRepository } from './run.repository';
import { TraceOutcomeRepository } from './trace-outcome.repository';

/** The quality gates judged on one run's trace: its failure rate and latency (`evaluateTraceGates`). */
@Injectable()
export class RunGateService {
  constructor(
    private readonly runs: RunRepository,
    private readonly outcomes: TraceOutcomeRepository,
  ) {}

  async judge(runId: string): Promise<ReturnType<typeof toJsonReport> & { run_id: string; trace_id: string }> {
    const run = await this.runs.state(runId);
    if (!run) throw new PermanentRpcException('RUN_NOT_FOUND', `There is no workflow run ${runId}.`);
    const config = parseGatesConfig(JSON.parse(await readFile(resolve(GATES_CONFIG_PATH), 'utf8')), GATES_CONFIG_PATH);
    const report = evaluateTraceGates(config, await this.outcomes.outcomesOfTrace(run.traceId));
    return { ...toJsonReport(report), run_id: runId, trace_id: run.traceId };
  }
}
