import { formatLogLine } from './log-line.formatter';

const TIME = '2026-03-04T05:06:07.089Z';
const LOCAL_CLOCK = (() => {
  const time = new Date(TIME);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.089`;
})();

function jsonLine(fields: Record<string, unknown>): string {
  return JSON.stringify({ level: 'info', time: TIME, pid: 1, agent: 'orchestrator', instance: 'o:1', ...fields });
}

describe(formatLogLine.name, () => {
  it('shows time, level, context, message and the short trace id', () => {
    const line = jsonLine({
      context: 'HttpAccess',
      msg: 'POST /api/orchestrator/plan 200 in 12.5 ms',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
    expect(formatLogLine(line)).toBe(
      `${LOCAL_CLOCK} INFO  [HttpAccess] POST /api/orchestrator/plan 200 in 12.5 ms trace 4bf92f35`,
    );
  });

  it('leaves out what a line does not have', () => {
    expect(formatLogLine(jsonLine({ level: 'warn', msg: 'launcher went away' }))).toBe(
      `${LOCAL_CLOCK} WARN  launcher went away`,
    );
  });

  it('follows an error with its stack', () => {
    const stack = 'Error: boom\n    at main (main.js:1:1)';
    expect(formatLogLine(jsonLine({ level: 'error', msg: 'boom', context: 'Bootstrap', err: { stack } }))).toBe(
      `${LOCAL_CLOCK} ERROR [Bootstrap] boom\n${stack}`,
    );
  });

  it('colours the level when asked', () => {
    const formatted = formatLogLine(jsonLine({ level: 'error', msg: 'x' }), { color: true });
    expect(formatted).toContain('\x1b[31mERROR\x1b[0m');
    expect(formatLogLine(jsonLine({ level: 'error', msg: 'x' }))).not.toContain('\x1b[');
  });

  it.each([
    ['plain text', 'orchestrator: The environment is not valid'],
    ['JSON that is not a log line', '{"hello":"world"}'],
    ['broken JSON', '{"level":"info"'],
  ])('returns %s unchanged', (_case, line) => {
    expect(formatLogLine(line)).toBe(line);
  });
});
