export {
  GATES_CONFIG_PATH,
  GATES_CONFIG_VERSION,
  LATENCY_PERCENTILES,
  type DecisionQualityThresholds,
  type FailureRateLimits,
  type GatesConfig,
  type LatencyLimits,
  type LatencyPercentile,
  type LatencyThresholds,
  type MaxLimit,
  type MinSamples,
} from './config/gates-config';
export { parseGatesConfig } from './config/parse-gates-config';
export { EvaluationSetError } from './errors/evaluation-set.error';
export { GatesConfigError } from './errors/gates-config.error';
export {
  evaluatePlanner,
  type ConfusionEntry,
  type KindScore,
  type Planner,
  type PlannerChoice,
  type PlannerEvaluation,
  type PlannerMiss,
  type TemplateScore,
} from './evaluation/evaluate-planner';
export {
  EVALUATION_KINDS,
  EVALUATION_SET_PATH,
  WORKFLOW_TEMPLATES,
  type EvaluationCase,
  type EvaluationKind,
  type WorkflowTemplate,
} from './evaluation/evaluation-case';
export { parseEvaluationSet } from './evaluation/parse-evaluation-set';
export { evaluateGates, type EvaluateGatesOptions } from './gates/evaluate-gates';
export { evaluateTraceGates } from './gates/evaluate-trace-gates';
export {
  GATE_FAMILIES,
  type GateComparator,
  type GateFamily,
  type GateSamples,
  type GatesMeasurements,
  type GatesReport,
  type GateStatus,
  type GateUnit,
  type GateVerdict,
} from './gates/gate-verdict';
export { decisionQuality, type DecisionQuality, type DecisionTally } from './measures/decision-quality';
export { failureRate, failureRateByPattern, type FailureRate } from './measures/failure-rate';
export { latencyByPattern, outcomeLatency } from './measures/latency-by-pattern';
export { countVerdicts, describeVerdict, formatGateValue, type VerdictCounts } from './report/describe-verdict';
export {
  GATES_REPORT_VERSION,
  toJsonReport,
  type GatesJsonReport,
  type JsonGateVerdict,
  type JsonReportOptions,
} from './report/json-report.renderer';
export { renderJunitXml, type JunitXmlOptions } from './report/junit-xml.renderer';
export { renderTextTable, type TextTableOptions } from './report/text-table.renderer';
export { DECISION_OUTCOMES, type DecisionOutcome, type DecisionRecord } from './samples/decision-record';
export { isFailure, MESSAGE_OUTCOMES, type MessageOutcome, type OutcomeSample } from './samples/outcome-sample';
export { withinWindow, type TimeWindow } from './samples/outcome-window';
export { latencySummary, type LatencySummary } from './statistics/latency-summary';
export { percentile } from './statistics/percentile';
