import type { GatesConfig } from '../config/gates-config';
import type { OutcomeSample } from '../samples/outcome-sample';
import { evaluateGates } from './evaluate-gates';
import type { GatesReport } from './gate-verdict';

/**
 * The gates judged on one trace: failure rate and latency of its deliveries. One trace is a handful
 * of deliveries, so the acceptance minimums do not apply (one sample is enough), and a per-pattern
 * gate whose pattern never ran in the trace is not applicable rather than `insufficient`: a
 * workflow started from a template never calls `orchestrator.plan`, and is not judged on it.
 */
export function evaluateTraceGates(config: GatesConfig, outcomes: readonly OutcomeSample[]): GatesReport {
  const perTrace: GatesConfig = { ...config, minSamples: { ...config.minSamples, outcomes: 1, perPattern: 1 } };
  const report = evaluateGates(perTrace, { outcomes }, { families: ['failure_rate', 'latency'] });
  const verdicts = report.verdicts.filter((verdict) => verdict.pattern === undefined || verdict.samples > 0);
  return {
    ...report,
    verdicts,
    passed: verdicts.length > 0 && verdicts.every((verdict) => verdict.status === 'pass'),
  };
}
