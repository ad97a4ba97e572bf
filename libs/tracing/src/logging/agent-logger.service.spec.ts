import { Logger } from '@nestjs/common';
import { childSpan } from '../trace-context';
import { runWithTrace } from '../trace-storage';
import { type AgentLoggerOptions, createAgentLogger } from './agent-logger.factory';
import { AgentLoggerService } from './agent-logger.service';
import { MASK, REDACTED } from './secret-redactor';

type Line = Record<string, unknown>;

/** Routes Nest's `Logger` (instances and statics) to a fresh AgentLoggerService, as startAgent does. */
function useAgentLogger(level: AgentLoggerOptions['level'] = 'info') {
  const raw: string[] = [];
  const logger = createAgentLogger({
    agent: 'build-test-worker',
    instanceId: 'build-test-worker:01',
    level,
    destination: { write: (line: string) => void raw.push(line) },
  });
  Logger.overrideLogger(new AgentLoggerService(logger));
  return { raw, lines: () => raw.map((line) => JSON.parse(line) as Line) };
}

function stackOf(message: string): string {
  return new Error(message).stack!;
}

describe(AgentLoggerService.name, () => {
  it('writes a Logger line with its context as `context`', () => {
    const { lines } = useAgentLogger();
    new Logger('WorkflowRunner').log('resuming workflow run 42');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        agent: 'build-test-worker',
        context: 'WorkflowRunner',
        msg: 'resuming workflow run 42',
      }),
    ]);
  });

  it('maps every Nest level to a pino level name', () => {
    const { lines } = useAgentLogger('trace');
    const logger = new Logger('Levels');
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(lines().map((line) => [line.level, line.msg])).toEqual([
      ['trace', 'v'],
      ['debug', 'd'],
      ['info', 'l'],
      ['warn', 'w'],
      ['error', 'e'],
      ['fatal', 'f'],
    ]);
  });

  it('drops lines below the configured level', () => {
    const { lines } = useAgentLogger('info');
    new Logger('Quiet').debug('not shown');
    new Logger('Quiet').verbose('not shown');
    expect(lines()).toEqual([]);
  });

  it('keeps a stack passed the Nest way, with or without a context', () => {
    const { lines } = useAgentLogger();
    const stack = stackOf('claim failed');
    new Logger('BusServer').error('claim failed', stack);
    Logger.error('static failure', stack);
    const [withContext, withoutContext] = lines();
    expect(withContext).toMatchObject({ context: 'BusServer', msg: 'claim failed', err: { stack } });
    expect(withoutContext).toMatchObject({ msg: 'static failure', err: { stack } });
    expect(withoutContext).not.toHaveProperty('context');
  });

  it('writes an Error the way Nest exception handlers pass it', () => {
    const { lines } = useAgentLogger();
    new Logger('ExceptionsHandler').error(new TypeError('cannot read properties of undefined'));
    const [line] = lines();
    expect(line).toMatchObject({
      level: 'error',
      context: 'ExceptionsHandler',
      msg: 'cannot read properties of undefined',
      err: { type: 'TypeError', message: 'cannot read properties of undefined' },
    });
    expect((line.err as { stack: string }).stack).toMatch(/^TypeError: cannot read properties of undefined\n\s+at /);
  });

  it('has no err when an error is logged without a stack', () => {
    const { lines } = useAgentLogger();
    new Logger('WorkflowRunner').error('run 7 stopped: timeout; another pass will resume it');
    expect(lines()[0]).toEqual(
      expect.objectContaining({
        msg: 'run 7 stopped: timeout; another pass will resume it',
        context: 'WorkflowRunner',
      }),
    );
    expect(lines()[0]).not.toHaveProperty('err');
  });

  it('puts objects under `data`, so they cannot overwrite the fields of the line, and redacts them', () => {
    const { lines } = useAgentLogger();
    new Logger('Ctx').log({ level: 'fake', msg: 'fake', password: 'hunter2', run: 1 });
    new Logger('Ctx').warn('slow step', { step: 'compile', ms: 812 });
    const [objectMessage, withParams] = lines();
    expect(objectMessage).toMatchObject({
      level: 'info',
      msg: '',
      context: 'Ctx',
      data: { level: 'fake', msg: 'fake', password: REDACTED, run: 1 },
    });
    expect(withParams).toMatchObject({ msg: 'slow step', context: 'Ctx', data: { step: 'compile', ms: 812 } });
  });

  it('appends other values to the message', () => {
    const { lines } = useAgentLogger();
    new Logger('Ctx').log('claimed', 3, ['a']);
    expect(lines()[0]).toMatchObject({ msg: 'claimed 3 ["a"]', context: 'Ctx' });
  });

  it('redacts secrets in messages written through Nest', () => {
    const { raw } = useAgentLogger();
    new Logger('PresenceService').warn(
      'presence heartbeat failed, will retry: Error: connect postgres://cogo:hunter2@127.0.0.1:5432/x',
    );
    expect(raw[0]).not.toContain('hunter2');
    expect(raw[0]).toContain(`cogo:${MASK}@`);
  });

  it('carries the trace of the handler that logs', async () => {
    const { lines } = useAgentLogger();
    const trace = childSpan();
    await runWithTrace(trace, async () => {
      await Promise.resolve();
      new Logger('CompileService').log('compiled 3 files');
    });
    new Logger('CompileService').log('idle');
    expect(lines().map((line) => [line.msg, line.trace_id ?? null])).toEqual([
      ['compiled 3 files', trace.traceId],
      ['idle', null],
    ]);
  });
});
