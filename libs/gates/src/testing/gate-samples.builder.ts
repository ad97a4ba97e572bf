import type { GatesConfig } from '../config/gates-config';
import type { GatesReport, GateVerdict } from '../gates/gate-verdict';
import type { DecisionRecord } from '../samples/decision-record';
import type { OutcomeSample } from '../samples/outcome-sample';

/**
 * Fixtures for the gates' unit tests: every field left out gets a default, so a test states only
 * what it is about.
 */

const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

/** A finished delivery: `execute`, `done`, 100 ms, at 2026-01-01T00:00:00Z unless told otherwise. */
export function anOutcome(overrides: Partial<OutcomeSample> = {}): OutcomeSample {
  return { pattern: 'execute', outcome: 'done', durationMs: 100, finishedAt: new Date(EPOCH), ...overrides };
}

/** One outcome per duration, all alike apart from the duration. */
export function outcomesLasting(durations: readonly number[], overrides: Partial<OutcomeSample> = {}): OutcomeSample[] {
  return durations.map((durationMs) => anOutcome({ ...overrides, durationMs }));
}

let decisions = 0;

/** A decision of the `codeBuildTest` template that succeeded without replanning unless told otherwise. */
export function aDecision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  decisions += 1;
  return {
    decisionId: `decision-${decisions}`,
    template: 'codeBuildTest',
    outcome: 'succeeded',
    replanned: false,
    ...overrides,
  };
}

/**
 * Small thresholds that keep hand computation easy: at least 4 outcomes (2 per pattern),
 * 2 decisions and 2 labelled cases; failure rate at most 25%; p90 at most 100 ms overall and 50 ms
 * for `plan`; decision quality at least 50% online and 80% offline.
 */
export function aGatesConfig(overrides: Partial<GatesConfig> = {}): GatesConfig {
  return {
    version: 1,
    minSamples: { outcomes: 4, perPattern: 2, decisions: 2, evaluation: 2 },
    failureRate: { max: 0.25, perPattern: {} },
    latencyMs: { p90: { max: 100 }, perPattern: { plan: { p90: { max: 50 } } } },
    decisionQuality: { onlineMin: 0.5, offlineMin: 0.8 },
    ...overrides,
  };
}

/** A passing failure-rate verdict unless told otherwise. */
export function aVerdict(overrides: Partial<GateVerdict> = {}): GateVerdict {
  return {
    gate: 'failure_rate',
    family: 'failure_rate',
    value: 0.02,
    threshold: 0.05,
    comparator: '<=',
    unit: 'share',
    samples: 50,
    minSamples: 30,
    status: 'pass',
    ...overrides,
  };
}

/**
 * A failed run with one verdict of each kind: a pass under a ceiling, a fail, an insufficient
 * per-pattern gate without samples, an insufficient gate with a few, and a pass over a floor.
 */
export function aGatesReport(overrides: Partial<GatesReport> = {}): GatesReport {
  return {
    passed: false,
    configVersion: 1,
    verdicts: [
      aVerdict(),
      aVerdict({
        gate: 'latency_p90_ms',
        family: 'latency',
        value: 1234.5,
        threshold: 1000,
        unit: 'ms',
        status: 'fail',
      }),
      aVerdict({
        gate: 'latency_p90_ms[execute]',
        family: 'latency',
        pattern: 'execute',
        value: null,
        threshold: 30000,
        unit: 'ms',
        samples: 0,
        minSamples: 10,
        status: 'insufficient',
      }),
      aVerdict({
        gate: 'decision_quality_online',
        family: 'decision_quality_online',
        value: 1,
        threshold: 0.9,
        comparator: '>=',
        samples: 3,
        minSamples: 10,
        status: 'insufficient',
      }),
      aVerdict({
        gate: 'decision_quality_offline',
        family: 'decision_quality_offline',
        value: 49 / 53,
        threshold: 0.9,
        comparator: '>=',
        samples: 53,
        minSamples: 40,
      }),
    ],
    measurements: {},
    ...overrides,
  };
}
