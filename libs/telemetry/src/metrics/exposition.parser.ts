/** One sample line of the Prometheus text format. */
export interface ExpositionSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# HELP` and `# TYPE` and the samples that belong to it. */
export interface MetricFamily {
  readonly name: string;
  help?: string;
  type?: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly samples: ExpositionSample[];
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/**
 * Parses the Prometheus text exposition format (version 0.0.4) strictly: a line it cannot read
 * is an error naming the line, so a scrape test fails on output Prometheus would refuse. Samples
 * of a histogram or summary (`_bucket`, `_sum`, `_count`) go to their family.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let found = families.get(name);
    if (!found) {
      found = { name, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1} of the exposition ${why}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!comment) return; // other comments are allowed and carry nothing
      const [, keyword, name, rest] = comment;
      if (keyword === 'HELP') {
        if (family(name).help !== undefined) fail('repeats a HELP');
        family(name).help = unescape(rest, false);
      } else {
        if (!TYPES.has(rest)) fail('has an unknown TYPE');
        if (family(name).type !== undefined) fail('repeats a TYPE');
        if (family(name).samples.length > 0) fail('gives a TYPE after samples');
        family(name).type = rest as MetricFamily['type'];
      }
      return;
    }
    const sample = readSample(line) ?? fail('is not a sample');
    family(familyOf(sample.name, families)).samples.push(sample);
  });
  return families;
}

/** The value of the one sample of `family` whose labels include `labels`, or undefined. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, '')) ?? families.get(name);
  const matches = family?.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (!matches || matches.length === 0) return undefined;
  return matches.reduce((sum, sample) => sum + sample.value, 0);
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): string {
  const base = /^(.*)_(bucket|sum|count)$/.exec(sampleName)?.[1];
  const declared = base ? families.get(base) : undefined;
  return declared && (declared.type === 'histogram' || declared.type === 'summary') ? base! : sampleName;
}

function readSample(line: string): ExpositionSample | undefined {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) return undefined;
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    for (;;) {
      rest = rest.trimStart();
      if (rest.startsWith('}')) {
        rest = rest.slice(1);
        break;
      }
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label || !rest.startsWith(`${label}="`, 0)) return undefined;
      rest = rest.slice(label.length + 2);
      const end = closingQuote(rest);
      if (end < 0 || label in labels) return undefined;
      labels[label] = unescape(rest.slice(0, end), true);
      rest = rest.slice(end + 1).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) return undefined;
    }
  }
  const fields = rest.trim().split(/\s+/);
  if (!rest.startsWith(' ') || fields.length < 1 || fields.length > 2) return undefined;
  const value = parseValue(fields[0]);
  if (value === undefined || (fields[1] !== undefined && !/^-?\d+$/.test(fields[1]))) return undefined;
  return { name, labels, value };
}

function closingQuote(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function parseValue(text: string): number | undefined {
  // Prometheus reads these case-insensitively; prom-client writes NaN as "Nan".
  const special = text.toLowerCase();
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  if (special === 'nan') return NaN;
  const value = Number(text);
  return text !== '' && !Number.isNaN(value) ? value : undefined;
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (escape, char: string) => {
    if (char === 'n') return '\n';
    if (char === '\\') return '\\';
    if (char === '"' && quotes) return '"';
    return escape;
  });
}
