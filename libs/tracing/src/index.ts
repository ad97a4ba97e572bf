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
