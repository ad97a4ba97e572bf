import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** A stack trace as Nest passes it: `logger.error(message, error.stack, context)`. */
const STACK_TRACE = /\n[ \t]+at .+/;

/**
 * Nest's `LoggerService` over the agent's pino logger, so Nest's own lines, every
 * `new Logger(Context)` in the code and the microservice transport all write the same JSON.
 *
 * It reads Nest's arguments the way Nest's ConsoleLogger does: a trailing string is the context
 * (`context` field); for `error` and `fatal` a stack-trace string before it becomes `err.stack`.
 * An Error message becomes `err` (with its stack); plain objects go under `data`, so they can
 * never collide with the line's own fields (`level`, `time`, `msg`, …).
 */
export class AgentLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: readonly unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const { context, stack, rest } = splitParams(params, level === 'error' || level === 'fatal');
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    let msg: string;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      fields.data = message;
      const text = (message as { message?: unknown }).message;
      msg = typeof text === 'string' ? text : '';
    } else {
      msg = String(message);
    }
    for (const extra of rest) {
      if (extra instanceof Error && fields.err === undefined) fields.err = extra;
      else if (isPlainObject(extra)) fields.data = { ...(isPlainObject(fields.data) ? fields.data : {}), ...extra };
      else if (extra !== undefined) msg = `${msg} ${typeof extra === 'string' ? extra : JSON.stringify(extra)}`;
    }
    if (stack !== undefined && fields.err === undefined) fields.err = { message: msg, stack };
    this.logger[level](fields, msg);
  }
}

function splitParams(
  params: readonly unknown[],
  mayHaveStack: boolean,
): { context?: string; stack?: string; rest: unknown[] } {
  const rest = [...params];
  const isStackSlot = (value: unknown) => value === undefined || (typeof value === 'string' && STACK_TRACE.test(value));
  // `Logger.error(message, stack)` without a context.
  if (mayHaveStack && rest.length === 1 && isStackSlot(rest[0]))
    return { stack: rest[0] as string | undefined, rest: [] };
  const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
  // A Logger with a context always passes the stack slot before it, even when empty.
  const stack =
    mayHaveStack && rest.length > 0 && isStackSlot(rest.at(-1)) ? (rest.pop() as string | undefined) : undefined;
  return { context, stack, rest };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
