import { type DestinationStream, type Logger, pino } from 'pino';
import { currentTrace } from '../trace-storage';
import { SecretRedactor } from './secret-redactor';

export interface AgentLoggerOptions {
  readonly agent: string;
  /** Absent only before the configuration is parsed (a configuration error). */
  readonly instanceId?: string;
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** This process's secret values (API keys, the database password): masked wherever they appear. */
  readonly knownSecrets?: readonly (string | undefined | null)[];
  /** Where the lines go; standard output by default. */
  readonly destination?: DestinationStream;
}

/**
 * The JSON logger of one agent process: one object per line with `level` (a name), `time` (ISO),
 * `pid`, `agent`, `instance`, `msg`, and `trace_id` + `span_id` whenever the line is written
 * inside a trace (an HTTP request or a bus handler). Every line passes through a
 * `SecretRedactor`, whoever calls the logger. Errors and fatal lines go to stderr, the rest to
 * stdout.
 */
export function createAgentLogger(options: AgentLoggerOptions): Logger {
  const redactor = new SecretRedactor(options.knownSecrets);
  return pino(
    {
      level: options.level,
      base: {
        pid: process.pid,
        agent: options.agent,
        ...(options.instanceId === undefined ? {} : { instance: options.instanceId }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactor.redactFields(fields),
      },
      // `err` is already a plain, redacted object (see SecretRedactor); pino's serializer would
      // rebuild it from the original error and bring the secrets back.
      serializers: { err: (error: unknown) => error },
      hooks: {
        // The message and its format arguments never reach `formatters.log`; nor does the
        // message pino takes from an error when none is given.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          const fields: unknown = first instanceof Error ? { err: first } : first;
          const given = fields as { msg?: unknown; err?: { message?: unknown } } | null;
          const errorMessage = given?.err?.message;
          if (
            rest.length === 0 &&
            typeof fields === 'object' &&
            given?.msg === undefined &&
            typeof errorMessage === 'string'
          ) {
            rest.push(errorMessage);
          }
          const redacted = [
            typeof fields === 'string' ? redactor.redactText(fields) : fields,
            ...rest.map((arg) => (typeof arg === 'string' ? redactor.redactText(arg) : redactor.redactValue(arg))),
          ];
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
      mixin: traceFields,
    },
    options.destination ?? standardStreams(),
  );
}

/**
 * Errors and fatal lines on stderr, the rest on stdout, as Nest's console logger did (launchers
 * show an agent's stderr). Synchronous, like Node's own stdio on a pipe: a line logged just
 * before the process exits is not lost.
 */
function standardStreams(): DestinationStream {
  return pino.multistream(
    [
      { level: 'trace', stream: pino.destination({ dest: 1, sync: true }) },
      { level: 'error', stream: pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true },
  );
}

/** The trace of the code that is logging, read at the moment the line is written. */
function traceFields(): Record<string, string> {
  const trace = currentTrace();
  return trace ? { trace_id: trace.traceId, span_id: trace.spanId } : {};
}
