import { GatesConfigError } from '../errors/gates-config.error';
import {
  GATES_CONFIG_PATH,
  GATES_CONFIG_VERSION,
  LATENCY_PERCENTILES,
  type GatesConfig,
  type LatencyLimits,
  type MaxLimit,
} from './gates-config';

type JsonObject = Readonly<Record<string, unknown>>;

/** Allowed in every object of the file, for notes to whoever edits it next. */
const COMMENT_KEY = '$comment';

/**
 * Checks the parsed JSON of `gates.config.json` and returns it typed and camelCased. Every problem
 * is collected and reported together (with the path of the field), so one run shows everything to
 * fix. Unknown keys are problems too: a misspelt threshold must not silently fall back to nothing.
 *
 * @param json the value of `JSON.parse` on the file
 * @param source the file name used in the error message
 * @throws GatesConfigError listing every problem
 */
export function parseGatesConfig(json: unknown, source: string = GATES_CONFIG_PATH): GatesConfig {
  const problems: string[] = [];
  const read = new ConfigReader(problems);
  const root = read.object(json, '', 'the file');
  if (!root) throw new GatesConfigError(problems, source);
  read.onlyKeys(root, '', ['version', 'min_samples', 'failure_rate', 'latency_ms', 'decision_quality']);

  if (root.version === undefined) {
    problems.push(`version is required; this build reads version ${GATES_CONFIG_VERSION}`);
  } else if (root.version !== GATES_CONFIG_VERSION) {
    problems.push(
      `version ${JSON.stringify(root.version)} is not supported; this build reads version ${GATES_CONFIG_VERSION}`,
    );
  }

  const minSamplesJson = read.object(root.min_samples, 'min_samples');
  read.onlyKeys(minSamplesJson, 'min_samples', ['outcomes', 'per_pattern', 'decisions', 'evaluation']);
  const minSamples = {
    outcomes: read.count(minSamplesJson, 'min_samples', 'outcomes'),
    perPattern: read.count(minSamplesJson, 'min_samples', 'per_pattern'),
    decisions: read.count(minSamplesJson, 'min_samples', 'decisions'),
    evaluation: read.count(minSamplesJson, 'min_samples', 'evaluation'),
  };

  const failureRateJson = read.object(root.failure_rate, 'failure_rate');
  read.onlyKeys(failureRateJson, 'failure_rate', ['max', 'per_pattern']);
  const failureRate = {
    max: read.share(failureRateJson, 'failure_rate', 'max'),
    perPattern: read.perPattern(failureRateJson, 'failure_rate', (entry, path) => {
      read.onlyKeys(entry, path, ['max']);
      return { max: read.share(entry, path, 'max') };
    }),
  };

  const latencyJson = read.object(root.latency_ms, 'latency_ms');
  read.onlyKeys(latencyJson, 'latency_ms', [...LATENCY_PERCENTILES, 'per_pattern']);
  const overall = read.latencyLimits(latencyJson, 'latency_ms');
  if (latencyJson && !overall.p90) problems.push('latency_ms.p90 is required ({"max": <milliseconds>})');
  const latencyMs = {
    ...overall,
    // Only reached without a p90 when a problem was recorded above, and then the parse throws.
    p90: overall.p90 ?? { max: Number.NaN },
    perPattern: read.perPattern(latencyJson, 'latency_ms', (entry, path) => {
      read.onlyKeys(entry, path, LATENCY_PERCENTILES);
      const limits = read.latencyLimits(entry, path);
      if (Object.keys(limits).length === 0) {
        problems.push(`${path} must set at least one of ${LATENCY_PERCENTILES.join(', ')}`);
      }
      return limits;
    }),
  };

  const decisionJson = read.object(root.decision_quality, 'decision_quality');
  read.onlyKeys(decisionJson, 'decision_quality', ['online_min', 'offline_min']);
  const decisionQuality = {
    onlineMin: read.share(decisionJson, 'decision_quality', 'online_min'),
    offlineMin: read.share(decisionJson, 'decision_quality', 'offline_min'),
  };

  if (problems.length > 0) throw new GatesConfigError(problems, source);
  return { version: GATES_CONFIG_VERSION, minSamples, failureRate, latencyMs, decisionQuality };
}

/** Reads one field at a time, recording a problem instead of throwing. */
class ConfigReader {
  constructor(private readonly problems: string[]) {}

  /** `value` as an object; `undefined` (with a problem) when it is missing or of another type. */
  object(value: unknown, path: string, name = path): JsonObject | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    this.problems.push(
      value === undefined ? `${name} is required (an object)` : `${name} must be an object, got ${describe(value)}`,
    );
    return undefined;
  }

  onlyKeys(object: JsonObject | undefined, path: string, known: readonly string[]): void {
    if (!object) return;
    for (const [key, value] of Object.entries(object)) {
      if (key === COMMENT_KEY) {
        if (typeof value !== 'string') this.problems.push(`${join(path, key)} must be a string`);
      } else if (!known.includes(key)) {
        this.problems.push(`${join(path, key)} is not a known setting (expected one of ${known.join(', ')})`);
      }
    }
  }

  /** A whole number of samples, at least 1: a gate over zero samples could never be judged. */
  count(object: JsonObject | undefined, path: string, key: string): number {
    return this.number(object, path, key, 'a whole number of at least 1', (n) => Number.isInteger(n) && n >= 1);
  }

  /** A share from 0 to 1 (0.05 is 5%). */
  share(object: JsonObject | undefined, path: string, key: string): number {
    return this.number(object, path, key, 'a number from 0 to 1 (0.05 is 5%)', (n) => n >= 0 && n <= 1);
  }

  /** A duration in milliseconds, above 0. */
  milliseconds(object: JsonObject | undefined, path: string, key: string): number {
    return this.number(object, path, key, 'a number of milliseconds above 0', (n) => n > 0);
  }

  latencyLimits(object: JsonObject | undefined, path: string): LatencyLimits {
    const limits: Partial<Record<(typeof LATENCY_PERCENTILES)[number], MaxLimit>> = {};
    if (!object) return limits;
    for (const percentile of LATENCY_PERCENTILES) {
      if (object[percentile] === undefined) continue;
      const limitPath = join(path, percentile);
      const limit = this.object(object[percentile], limitPath);
      this.onlyKeys(limit, limitPath, ['max']);
      limits[percentile] = { max: this.milliseconds(limit, limitPath, 'max') };
    }
    return limits;
  }

  /** The optional `per_pattern` map of `object`, each entry read by `readEntry`. */
  perPattern<T>(
    object: JsonObject | undefined,
    path: string,
    readEntry: (entry: JsonObject | undefined, entryPath: string) => T,
  ): Readonly<Record<string, T>> {
    if (!object || object.per_pattern === undefined) return {};
    const mapPath = join(path, 'per_pattern');
    const patterns = this.object(object.per_pattern, mapPath);
    if (!patterns) return {};
    const entries: [string, T][] = [];
    for (const [pattern, entry] of Object.entries(patterns)) {
      if (pattern === COMMENT_KEY) {
        if (typeof entry !== 'string') this.problems.push(`${join(mapPath, COMMENT_KEY)} must be a string`);
        continue;
      }
      const entryPath = `${mapPath}[${JSON.stringify(pattern)}]`;
      if (pattern.trim() === '') this.problems.push(`${entryPath}: a pattern must not be empty`);
      entries.push([pattern, readEntry(this.object(entry, entryPath), entryPath)]);
    }
    // fromEntries defines own properties, so a pattern such as "__proto__" stays a plain key.
    return Object.fromEntries(entries);
  }

  private number(
    object: JsonObject | undefined,
    path: string,
    key: string,
    expected: string,
    isValid: (value: number) => boolean,
  ): number {
    if (!object) return Number.NaN;
    const value = object[key];
    const where = join(path, key);
    if (value === undefined) {
      this.problems.push(`${where} is required (${expected})`);
    } else if (typeof value !== 'number' || !isValid(value)) {
      this.problems.push(`${where} must be ${expected}, got ${describe(value)}`);
    } else {
      return value;
    }
    return Number.NaN;
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
