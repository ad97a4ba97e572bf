import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AGENT_NAMES, type AgentName } from '@cogo/config';
import { type MetricFamily, parseExposition } from '@cogo/telemetry';
import { MATH_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';
import { waitFor } from '../support/process-tools';

type Scrape = Map<string, MetricFamily>;

/** The `cogo_` families every agent exports, with their type and label names. */
const COGO_FAMILIES: Record<string, { type: MetricFamily['type']; labels: string[] }> = {
  cogo_bus_messages_total: { type: 'counter', labels: ['agent', 'kind', 'outcome', 'pattern'] },
  cogo_bus_handler_duration_seconds: { type: 'histogram', labels: ['agent', 'kind', 'pattern'] },
  cogo_bus_queue_wait_seconds: { type: 'histogram', labels: ['agent', 'kind', 'pattern'] },
  cogo_bus_request_duration_seconds: { type: 'histogram', labels: ['agent', 'outcome', 'pattern'] },
  cogo_bus_in_flight: { type: 'gauge', labels: ['agent'] },
  cogo_bus_redeliveries_total: { type: 'counter', labels: ['agent', 'pattern'] },
  cogo_bus_dead_letters_total: { type: 'counter', labels: ['agent', 'pattern'] },
  cogo_bus_events_published_total: { type: 'counter', labels: ['agent', 'type'] },
  cogo_bus_connection_status: { type: 'gauge', labels: ['agent', 'state'] },
};

const SETTLED_OUTCOMES = ['done', 'retry', 'failed', 'dead', 'lease_lost', 'released'];

/** A uuid, or 16+ hex digits in a row: trace, span and instance ids must never be label values. */
const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|:[0-9a-f]{8}$/i;

function total(scrape: Scrape, name: string, sampleName = name): number {
  return (scrape.get(name)?.samples ?? [])
    .filter((sample) => sample.name === sampleName)
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** What Prometheus itself would insist on, plus our own rules on names and labels. */
function expectWellFormed(agent: AgentName, scrape: Scrape): void {
  for (const family of scrape.values()) {
    expect({ family: family.name, help: typeof family.help, type: typeof family.type }).toEqual({
      family: family.name,
      help: 'string',
      type: 'string',
    });
    for (const sample of family.samples) {
      for (const value of Object.values(sample.labels)) {
        expect({ sample: sample.name, value, idLike: ID_LIKE.test(value) }).toEqual({
          sample: sample.name,
          value,
          idLike: false,
        });
      }
    }
    if (family.type === 'histogram') expectCumulativeBuckets(family);
  }
  for (const [name, { type, labels }] of Object.entries(COGO_FAMILIES)) {
    const family = scrape.get(name);
    expect({ name, type: family?.type }).toEqual({ name, type });
    for (const sample of family?.samples ?? []) {
      const names = Object.keys(sample.labels).filter((label) => label !== 'le');
      expect({ sample: sample.name, labels: names.sort() }).toEqual({ sample: sample.name, labels });
      expect(sample.labels.agent).toBe(agent);
    }
  }
}

/** Per label set: buckets never decrease as `le` grows, and `+Inf` equals `_count`. */
function expectCumulativeBuckets(family: MetricFamily): void {
  const series = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    if (sample.name === `${family.name}_bucket`) {
      series.set(key, [...(series.get(key) ?? []), { le: le === '+Inf' ? Infinity : Number(le), value: sample.value }]);
    } else if (sample.name === `${family.name}_count`) {
      counts.set(key, sample.value);
    }
  }
  expect(series.size).toBe(counts.size);
  for (const [key, buckets] of series) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    expect(sorted.at(-1)?.le).toBe(Infinity);
    for (let i = 1; i < sorted.length; i++) {
      expect({ key, le: sorted[i].le, cumulative: sorted[i].value >= sorted[i - 1].value }).toEqual({
        key,
        le: sorted[i].le,
        cumulative: true,
      });
    }
    expect({ key, inf: sorted.at(-1)?.value }).toEqual({ key, inf: counts.get(key) });
  }
}

describe('/metrics on every agent', () => {
  let e2e: E2eStack;
  let repository: string;
  /** Every agent's metrics before any traffic. */
  let before: Record<AgentName, Scrape>;

  beforeAll(async () => {
    e2e = await startE2eStack();
    repository = mkdtempSync(join(tmpdir(), 'cogo-e2e-metrics-repo-'));
    mkdirSync(join(repository, 'src'));
    writeFileSync(join(repository, 'src', 'a.ts'), 'export function alpha(): number {\n  return 1;\n}\n');
    before = await scrapeAll();
  });

  afterAll(async () => {
    await e2e?.close();
    if (repository) rmSync(repository, { recursive: true, force: true });
  });

  async function scrapeAll(): Promise<Record<AgentName, Scrape>> {
    const scrapes = await Promise.all(
      AGENT_NAMES.map(async (agent) => {
        const response = await request(`http://127.0.0.1:${e2e.stack.portOf(agent)}`).get('/metrics');
        expect({ agent, status: response.status }).toEqual({ agent, status: 200 });
        expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        return [agent, parseExposition(response.text)] as const;
      }),
    );
    return Object.fromEntries(scrapes) as Record<AgentName, Scrape>;
  }

  it('serves well-formed cogo_ and process metrics on every agent, with the bus connected', () => {
    for (const agent of AGENT_NAMES) {
      expectWellFormed(agent, before[agent]);
      expect(before[agent].get('process_cpu_user_seconds_total')?.type).toBe('counter');
      const connected = before[agent]
        .get('cogo_bus_connection_status')
        ?.samples.find((sample) => sample.labels.state === 'connected');
      expect({ agent, connected: connected?.value }).toEqual({ agent, connected: 1 });
    }
  });

  it('moves the counters of every agent with traffic, labelled by agent and never by id', async () => {
    const http = request(e2e.stack.apiUrl);
    const plan = await http.post('/api/orchestrator/plan').send({ intent: 'index the repository' }).expect(200);
    const traceId = (plan.body as { trace_id: string }).trace_id;
    const built = await http.post('/api/pipeline/codeBuildTest').send({ spec: MATH_SPEC, wait: true }).expect(202);
    expect((built.body as { state: { status: string } }).state.status).toBe('succeeded');
    const indexed = await http
      .post('/api/pipeline/indexing')
      .send({ root: repository, repository: 'e2e-metrics', wait: true })
      .expect(202);
    expect((indexed.body as { state: { status: string } }).state.status).toBe('succeeded');

    // Messages are counted as they settle, a moment after their replies: wait for nothing in flight.
    const after = await waitFor(async () => {
      const now = await scrapeAll();
      return AGENT_NAMES.every((agent) => total(now[agent], 'cogo_bus_in_flight') === 0) ? now : undefined;
    }, 'every agent to settle its messages');
    for (const agent of AGENT_NAMES) {
      expectWellFormed(agent, after[agent]);
      expect(after[agent].size).toBeGreaterThanOrEqual(Object.keys(COGO_FAMILIES).length);
      const moved = (name: string, sampleName?: string) =>
        total(after[agent], name, sampleName) - total(before[agent], name, sampleName);
      expect({ agent, handled: moved('cogo_bus_messages_total') > 0 }).toEqual({ agent, handled: true });
      expect({
        agent,
        timed: moved('cogo_bus_handler_duration_seconds', 'cogo_bus_handler_duration_seconds_count'),
      }).toEqual({ agent, timed: moved('cogo_bus_messages_total') });
      const outcomes = new Set(after[agent].get('cogo_bus_messages_total')?.samples.map((s) => s.labels.outcome));
      expect([...outcomes].filter((outcome) => !SETTLED_OUTCOMES.includes(outcome))).toEqual([]);
      const text = JSON.stringify([...after[agent].values()]);
      expect(text).not.toContain(traceId);
    }

    // The orchestrator runs the workflows: it sends requests and publishes its decisions.
    const orchestrator = after.orchestrator;
    const sent = orchestrator
      .get('cogo_bus_request_duration_seconds')
      ?.samples.filter((sample) => sample.name.endsWith('_count') && sample.labels.outcome === 'ok');
    expect(sent?.map((sample) => sample.labels.pattern)).toEqual(expect.arrayContaining(['dispatcher.execute']));
    const decisions = orchestrator
      .get('cogo_bus_events_published_total')
      ?.samples.find((sample) => sample.labels.type === 'orchestrator.decision');
    expect(decisions?.value).toBeGreaterThanOrEqual(3);
    // The dispatcher routes each capability to its worker, and times each round trip.
    const routed = after['executor-dispatcher']
      .get('cogo_bus_request_duration_seconds')
      ?.samples.filter((sample) => sample.name.endsWith('_count'))
      .map((sample) => sample.labels.pattern);
    expect(routed).toEqual(
      expect.arrayContaining(['codegen.generate', 'build.compile', 'test.run', 'index.repository']),
    );
  });
});
