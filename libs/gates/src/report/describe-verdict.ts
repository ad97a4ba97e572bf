import type { GateStatus, GateUnit, GateVerdict } from '../gates/gate-verdict';

/** How many gates ended in each status. */
export interface VerdictCounts {
  readonly total: number;
  readonly pass: number;
  readonly fail: number;
  readonly insufficient: number;
}

export function countVerdicts(verdicts: readonly GateVerdict[]): VerdictCounts {
  const count = (status: GateStatus): number => verdicts.filter((verdict) => verdict.status === status).length;
  return { total: verdicts.length, pass: count('pass'), fail: count('fail'), insufficient: count('insufficient') };
}

/**
 * A value for people: shares as percentages with two decimals, milliseconds whole or to one
 * decimal. Locale-independent, so reports are identical on every machine; `n/a` for no value.
 */
export function formatGateValue(value: number | null, unit: GateUnit): string {
  if (value === null) return 'n/a';
  switch (unit) {
    case 'share':
      return `${(value * 100).toFixed(2)}%`;
    case 'ms':
      return `${Number.isInteger(value) ? String(value) : value.toFixed(1)} ms`;
  }
}

/** One sentence on why a gate ended as it did, naming what to look at when it did not pass. */
export function describeVerdict(verdict: GateVerdict): string {
  const value = formatGateValue(verdict.value, verdict.unit);
  const threshold = formatGateValue(verdict.threshold, verdict.unit);
  const ceiling = verdict.comparator === '<=';
  const bound = `the ${ceiling ? 'maximum' : 'minimum'} of ${threshold}`;
  const over = `over ${verdict.samples} sample${verdict.samples === 1 ? '' : 's'}`;
  switch (verdict.status) {
    case 'pass':
      return `${verdict.gate} is ${value}, at or ${ceiling ? 'below' : 'above'} ${bound} (${over})`;
    case 'fail':
      return `${verdict.gate} is ${value}, ${ceiling ? 'above' : 'below'} ${bound} (${over})`;
    case 'insufficient':
      if (verdict.samples === 0) {
        return verdict.pattern === undefined
          ? `${verdict.gate} has no samples; at least ${verdict.minSamples} are needed: check that the workload ran and its samples were collected`
          : `${verdict.gate} has no samples of pattern ${JSON.stringify(verdict.pattern)}; at least ${verdict.minSamples} are needed: check that the pattern name in gates.config.json matches a handler and that the workload exercises it`;
      }
      return `${verdict.gate} has only ${verdict.samples} sample${verdict.samples === 1 ? '' : 's'}, at least ${verdict.minSamples} are needed to judge it (measured ${value}): run a larger workload`;
  }
}
