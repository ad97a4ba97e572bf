/** The version of `gates.config.json` this library reads. Bump it when a field changes meaning. */
export const GATES_CONFIG_VERSION = 1;

/** Where the thresholds live, relative to the repository root; the caller reads the file. */
export const GATES_CONFIG_PATH = 'gates.config.json';

/** The latency percentiles a gate can limit. */
export const LATENCY_PERCENTILES = ['p50', 'p90', 'p99'] as const;

export type LatencyPercentile = (typeof LATENCY_PERCENTILES)[number];

/** A ceiling: the gate passes while the measured value is at most `max`. */
export interface MaxLimit {
  readonly max: number;
}

/** Ceilings, in milliseconds, for any of the latency percentiles. */
export type LatencyLimits = Readonly<Partial<Record<LatencyPercentile, MaxLimit>>>;

/** Below these sample counts a gate is `insufficient`, which fails the run like a breach. */
export interface MinSamples {
  /** Finished deliveries for the overall failure-rate and latency gates. */
  readonly outcomes: number;
  /** Finished deliveries of one pattern for a per-pattern gate. */
  readonly perPattern: number;
  /** Finished (non-pending) orchestrator decisions for online decision quality. */
  readonly decisions: number;
  /** Labelled cases for offline decision quality. */
  readonly evaluation: number;
}

export interface FailureRateLimits extends MaxLimit {
  /** Optional tighter or looser ceilings for single patterns. */
  readonly perPattern: Readonly<Record<string, MaxLimit>>;
}

export type LatencyThresholds = LatencyLimits & {
  /** The p90 ceiling over all patterns is mandatory: it is the latency gate of DESIGN §6. */
  readonly p90: MaxLimit;
  readonly perPattern: Readonly<Record<string, LatencyLimits>>;
};

export interface DecisionQualityThresholds {
  /** Floor for the share of decisions whose workflow succeeded without replanning. */
  readonly onlineMin: number;
  /** Floor for the planner's accuracy on the labelled evaluation set. */
  readonly offlineMin: number;
}

/** `gates.config.json`, parsed and checked by `parseGatesConfig`; camelCase here, snake_case in the file. */
export interface GatesConfig {
  readonly version: typeof GATES_CONFIG_VERSION;
  readonly minSamples: MinSamples;
  readonly failureRate: FailureRateLimits;
  readonly latencyMs: LatencyThresholds;
  readonly decisionQuality: DecisionQualityThresholds;
}
