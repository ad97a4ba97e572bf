import { anOutcome } from '../testing/gate-samples.builder';
import { withinWindow } from './outcome-window';

describe(withinWindow.name, () => {
  const at = (iso: string) => anOutcome({ finishedAt: new Date(iso) });
  const window = { from: new Date('2026-01-01T10:00:00Z'), to: new Date('2026-01-01T11:00:00Z') };

  it('keeps the samples that finished from the start up to, but not at, the end', () => {
    const before = at('2026-01-01T09:59:59.999Z');
    const atStart = at('2026-01-01T10:00:00Z');
    const inside = at('2026-01-01T10:30:00Z');
    const atEnd = at('2026-01-01T11:00:00Z');
    expect(withinWindow([before, atStart, inside, atEnd], window)).toEqual([atStart, inside]);
  });

  it('is empty for an empty window', () => {
    const instant = new Date('2026-01-01T10:00:00Z');
    expect(withinWindow([at('2026-01-01T10:00:00Z')], { from: instant, to: instant })).toEqual([]);
  });

  it('rejects a window that ends before it starts', () => {
    expect(() => withinWindow([], { from: window.to, to: window.from })).toThrow(RangeError);
  });
});
