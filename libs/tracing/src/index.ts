export {
  childSpan,
  formatTraceparent,
  isSpanId,
  isTraceId,
  newSpanId,
  newTraceId,
  parseTraceparent,
  type TraceContext,
} from './trace-context';
export { currentTrace, runWithTrace } from './trace-storage';
export { TraceMiddleware } from './http/trace.middleware';
export { accessLog } from './logging/access-log.middleware';
export { type AgentLoggerOptions, createAgentLogger } from './logging/agent-logger.factory';
export { AgentLoggerService } from './logging/agent-logger.service';
export { formatLogLine } from './logging/log-line.formatter';
export { SecretRedactor } from './logging/secret-redactor';
