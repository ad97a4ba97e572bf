import { InvalidWindowError } from './errors/invalid-window.error';
import { MAX_WINDOW_MS, parseWindow, windowProblem } from './parse-window';

describe(parseWindow.name, () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['90d', MAX_WINDOW_MS],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseWindow(text)).toEqual({ text, ms });
  });

  it.each(['', '15', 'm', '0m', '-5m', '1.5h', '15 m', '15M', '1w', '15mm', ' 15m', '01m'])(
    'refuses %j, showing the accepted forms',
    (text) => {
      expect(() => parseWindow(text)).toThrow(InvalidWindowError);
      expect(() => parseWindow(text)).toThrow(/like 30s, 15m, 2h, 1d/);
    },
  );

  it('refuses a window longer than 90 days', () => {
    expect(() => parseWindow('91d')).toThrow('window must be at most 90d, got 91d');
    expect(() => parseWindow('2161h')).toThrow(InvalidWindowError);
  });
});

describe(windowProblem.name, () => {
  it('is null for a window and the reason otherwise', () => {
    expect(windowProblem('15m')).toBeNull();
    expect(windowProblem('15x')).toMatch(/^window must be a whole number and a unit/);
    expect(windowProblem(['15m'])).toBe('window must be a string like 15m, got object');
  });
});
