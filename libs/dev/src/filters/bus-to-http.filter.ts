import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { BusRpcException } from '@cogo/bus';

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
}

/** HTTP status for the error codes that the agents answer with. */
const STATUS_OF: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_INPUT: 400,
  INVALID_SPEC: 400,
  INVALID_WORKSPACE: 400,
  UNPLANNABLE: 422,
  RUN_NOT_FOUND: 404,
  PLAN_NOT_FOUND: 404,
  WORKSPACE_NOT_FOUND: 404,
  INDEX_ROOT_NOT_FOUND: 404,
  NO_ROUTE: 502,
  NO_CAPABLE_AGENT: 503,
  GENERATOR_NOT_CONFIGURED: 503,
  REQUEST_TIMEOUT: 504,
  STEP_TIMED_OUT: 504,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PAYLOAD: 400,
};

/**
 * Errors from the bus become JSON HTTP errors `{error: {code, message, details}}` with a status
 * that fits the code (400 for bad input, 404 for unknown ids, 503 when no agent can do it, 504
 * for timeouts, 502 for other failures of an agent; a dispatched step refused for its input gets
 * the worker's 4xx). Scoped to the dev controllers, which are HTTP only.
 */
@Catch(BusRpcException)
export class BusToHttpFilter implements ExceptionFilter<BusRpcException> {
  catch(exception: BusRpcException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    const { code, message, details } = exception.payload;
    response
      .status(STATUS_OF[code] ?? clientErrorOfStep(details) ?? 502)
      .json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
  }
}

/**
 * A dispatched step that the worker refused for its input (`STEP_FAILED` carrying the worker's
 * `VALIDATION_FAILED`, say) is the caller's mistake: answer with the worker's 4xx, not a 502.
 */
function clientErrorOfStep(details: unknown): number | undefined {
  const remote = isRecord(details) && isRecord(details.remote) ? details.remote.code : undefined;
  const status = typeof remote === 'string' ? STATUS_OF[remote] : undefined;
  return status !== undefined && status < 500 ? status : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
