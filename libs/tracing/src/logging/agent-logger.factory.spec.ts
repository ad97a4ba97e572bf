import { childSpan } from '../trace-context';
import { runWithTrace } from '../trace-storage';
import { type AgentLoggerOptions, createAgentLogger } from './agent-logger.factory';
import { MASK, REDACTED } from './secret-redactor';

type Line = Record<string, unknown>;

function capture(options: Partial<AgentLoggerOptions> = {}) {
  const raw: string[] = [];
  const logger = createAgentLogger({
    agent: 'orchestrator',
    instanceId: 'orchestrator:ab12cd34',
    level: 'info',
    destination: { write: (line: string) => void raw.push(line) },
    ...options,
  });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Line) };
}

describe(createAgentLogger.name, () => {
  it('writes one JSON object per line with the level name, an ISO time, the agent and the instance', () => {
    const { logger, raw, lines } = capture();
    logger.info({ context: 'WorkflowRunner' }, 'resuming workflow run 42');
    expect(raw).toHaveLength(1);
    expect(raw[0].endsWith('\n')).toBe(true);
    expect(raw[0].trimEnd()).not.toContain('\n');
    const [line] = lines();
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      pid: process.pid,
      agent: 'orchestrator',
      instance: 'orchestrator:ab12cd34',
      context: 'WorkflowRunner',
      msg: 'resuming workflow run 42',
    });
    expect(Number.isNaN(Date.parse(line.time as string))).toBe(false);
  });

  it('adds trace_id and span_id to every line written inside a trace, across awaits', async () => {
    const { logger, lines } = capture();
    const trace = childSpan();
    await runWithTrace(trace, async () => {
      logger.info('before the await');
      await new Promise((done) => setTimeout(done, 1));
      logger.warn({ context: 'BusServer' }, 'after the await');
    });
    expect(lines().map((line) => [line.msg, line.trace_id, line.span_id])).toEqual([
      ['before the await', trace.traceId, trace.spanId],
      ['after the await', trace.traceId, trace.spanId],
    ]);
  });

  it('writes no trace ids outside a trace', () => {
    const { logger, lines } = capture();
    logger.info('at boot');
    expect(lines()[0]).not.toHaveProperty('trace_id');
    expect(lines()[0]).not.toHaveProperty('span_id');
  });

  it('lets a line name its trace explicitly (the access log of a finished request)', () => {
    const { logger, lines } = capture();
    runWithTrace(childSpan(), () => logger.info({ trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) }, 'done'));
    expect(lines()[0]).toMatchObject({ trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) });
  });

  it('honours the configured level', () => {
    const quiet = capture({ level: 'warn' });
    quiet.logger.info('hidden');
    quiet.logger.debug('hidden');
    quiet.logger.warn('shown');
    expect(quiet.lines().map((line) => line.msg)).toEqual(['shown']);

    const verbose = capture({ level: 'debug' });
    verbose.logger.debug('shown');
    verbose.logger.trace('hidden');
    expect(verbose.lines().map((line) => [line.level, line.msg])).toEqual([['debug', 'shown']]);
  });

  it('leaves the instance out before the configuration is known', () => {
    const { logger, lines } = capture({ instanceId: undefined });
    logger.fatal('The environment is not valid');
    expect(lines()[0]).not.toHaveProperty('instance');
    expect(lines()[0]).toMatchObject({ level: 'fatal', agent: 'orchestrator' });
  });

  it('redacts secret fields, secrets in the message and in format arguments, and errors', () => {
    const { logger, raw, lines } = capture();
    logger.info(
      { headers: { authorization: 'Bearer abc', 'x-request-id': 'r1' }, dsn: 'postgres://cogo:hunter2@db/x' },
      'calling with sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz as %s',
      'Bearer abc.def',
    );
    logger.error({ err: new Error('login failed: password=hunter2') }, 'boot failed');
    logger.error(new Error('connect postgres://cogo:hunter2@db/x'));
    logger.error({ err: new Error('retry with token=hunter2') });
    expect(raw.join('')).not.toMatch(/hunter2|N7UND0Ug|abc\.def|Bearer abc/);
    const [first, second, third, fourth] = lines();
    expect(first).toMatchObject({
      headers: { authorization: REDACTED, 'x-request-id': 'r1' },
      dsn: `postgres://cogo:${MASK}@db/x`,
      msg: `calling with sb_secret_${MASK} as Bearer ${MASK}`,
    });
    expect(second).toMatchObject({
      msg: 'boot failed',
      err: { type: 'Error', message: `login failed: password=${MASK}` },
    });
    expect((second.err as { stack: string }).stack).toMatch(/^Error: login failed: password=\*\*\*\n\s+at /);
    expect(third).toMatchObject({
      msg: `connect postgres://cogo:${MASK}@db/x`,
      err: { type: 'Error', message: `connect postgres://cogo:${MASK}@db/x` },
    });
    expect(fourth).toMatchObject({ msg: `retry with token=${MASK}` });
  });

  it('masks the known secret values of the process wherever they appear', () => {
    const { logger, raw } = capture({ knownSecrets: ['no-recognisable-shape-41', undefined] });
    logger.warn({ note: 'value no-recognisable-shape-41' }, 'and no-recognisable-shape-41 here');
    expect(raw[0]).not.toContain('no-recognisable-shape-41');
    expect(raw[0]).toContain(`value ${MASK}`);
  });
});
