import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';
import request from 'supertest';
import { MATH_SPEC, WRONG_EXAMPLE_SPEC } from '../../scripts/support/example-specs';
import { type E2eStack, startE2eStack } from '../support/e2e-stack';

const REPORTS = resolve(__dirname, '..', '..', 'reports', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT_MS = 30_000;

interface RunAnswer {
  run_id: string;
  trace_id: string;
  trace_url: string;
  status: string;
}

interface RowData {
  record: string;
  kind: string;
  pattern: string;
  status: string;
}

describe('the trace viewer in Chromium', () => {
  let e2e: E2eStack;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(REPORTS, { recursive: true });
    e2e = await startE2eStack();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      timeout: WAIT_MS,
    });
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await e2e?.close();
  });

  /** A fresh page that records every console error and uncaught exception of the page. */
  async function openPage(url: string): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return page;
  }

  async function startFlow(spec: unknown): Promise<RunAnswer> {
    const response = await request(e2e.stack.apiUrl)
      .post('/api/pipeline/codeBuildTest')
      .send({ spec, wait: true })
      .expect(202);
    return response.body as RunAnswer;
  }

  /** The `data-*` attributes of every element `locator` matches (asked of the page, not of a DOM typed here). */
  async function dataOf<K extends string>(locator: Locator, names: readonly K[]): Promise<Record<K, string>[]> {
    return Promise.all(
      (await locator.all()).map(async (element) => {
        const values = await Promise.all(names.map((name) => element.getAttribute(`data-${name}`)));
        return Object.fromEntries(names.map((name, index) => [name, values[index] ?? ''])) as Record<K, string>;
      }),
    );
  }

  const rowsOf = (page: Page): Promise<RowData[]> =>
    dataOf(page.getByTestId('waterfall-row'), ['record', 'kind', 'pattern', 'status']);

  it('draws every step of a codeBuildTest run on the waterfall, with the gate verdict of its trace', async () => {
    const run = await startFlow(MATH_SPEC);
    expect(run.status).toBe('succeeded');
    expect(run.trace_url).toBe(`${e2e.stack.apiUrl}/dev/traces/${run.trace_id}`);
    const steps = await e2e.db.pool.query<{ capability: string }>(
      'select capability from workflow_steps where run_id = $1 order by index',
      [run.run_id],
    );
    const stored = await e2e.db.pool.query<{ rows: number }>(
      `select (select count(*) from agent_messages where trace_id = $1)
            + (select count(*) from bus_events where trace_id = $1) as rows`,
      [run.trace_id],
    );

    const page = await openPage(run.trace_url);
    const rows = await rowsOf(page);

    expect(steps.rows.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(Number(stored.rows[0].rows));
    for (const { capability } of steps.rows) {
      expect(rows).toContainEqual({ record: 'message', kind: 'request', pattern: capability, status: 'done' });
    }
    expect(rows.filter((row) => row.kind === 'request' && row.pattern === 'dispatcher.execute')).toHaveLength(
      steps.rows.length,
    );
    // Each step's bar is drawn: its handler segment takes room on the time axis.
    for (const { capability } of steps.rows) {
      const handler = page
        .locator(`[data-testid="waterfall-row"][data-kind="request"][data-pattern="${capability}"]`)
        .locator('[data-segment="handling"]');
      await handler.waitFor({ state: 'visible' });
      expect((await handler.boundingBox())?.width).toBeGreaterThan(0);
    }
    await expect(page.getByTestId('run-step').count()).resolves.toBe(steps.rows.length);
    // The verdict the orchestrator gives on the run's trace, gate by gate, and nothing failed.
    const verdict = await request(e2e.stack.apiUrl)
      .get('/api/workflows/gate')
      .query({ run_id: run.run_id })
      .expect(200);
    const judged = (verdict.body as { passed: boolean; gates: { gate: string; status: string }[] }).gates;
    const gate = page.getByTestId('gate-verdict');
    await expect(gate.getAttribute('data-passed')).resolves.toBe(String((verdict.body as { passed: boolean }).passed));
    const shown = await dataOf(gate.getByTestId('gate-row'), ['gate', 'status']);
    expect(shown).toEqual(judged.map(({ gate: name, status }) => ({ gate: name, status })));
    expect(shown.map((row) => row.status)).not.toContain('fail');
    await page.screenshot({ path: join(REPORTS, `trace-${run.trace_id}.png`), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('marks the failed step of a run whose example is wrong, with its error', async () => {
    const run = await startFlow(WRONG_EXAMPLE_SPEC);
    expect(run.status).toBe('failed');

    const page = await openPage(run.trace_url);
    // A failed test is a result: test.run itself is done, the step's failure is an event of the run.
    const failed = page.locator('[data-testid="waterfall-row"][data-pattern="workflow.step.failed"]');

    await expect(failed.getAttribute('data-status')).resolves.toBe('failed');
    await expect(failed.getAttribute('class')).resolves.toMatch(/\bfailed\b/);
    await expect(
      page.evaluate(
        `getComputedStyle(document.querySelector('[data-pattern="workflow.step.failed"] [data-segment="event"]')).color`,
      ),
    ).resolves.toBe('rgb(198, 40, 40)');
    await expect(
      failed.locator('xpath=following-sibling::tr[1][@data-testid="row-error"]').textContent(),
    ).resolves.toMatch(/TESTS_FAILED: 1 of 1 test\(s\) failed/);
    await expect(
      page.locator('[data-testid="waterfall-row"][data-pattern="test.completed"]').getAttribute('data-status'),
    ).resolves.toBe('failed');
    await expect(
      page.locator('[data-testid="run-step"][data-capability="test.run"]').getAttribute('data-status'),
    ).resolves.toBe('failed');
    await page.screenshot({ path: join(REPORTS, `trace-failed-${run.trace_id}.png`), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows the bus live: the counters move while a flow passes, and the flow joins the recent traces', async () => {
    const page = await openPage(`${e2e.stack.apiUrl}/dev`);
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
    const before = Number(await page.getByTestId('total-messages').textContent());

    const run = await startFlow(MATH_SPEC);

    await page.waitForFunction(
      `Number(document.querySelector('[data-testid="total-messages"]').textContent) > ${before}`,
      undefined,
      { timeout: WAIT_MS },
    );
    await page.locator(`[data-testid="trace-row"][data-trace-id="${run.trace_id}"][data-status="ok"]`).waitFor();
    const agents = (await dataOf(page.getByTestId('agent-row'), ['agent'])).map((row) => row.agent);
    expect(agents).toEqual(
      expect.arrayContaining([
        'build-test-worker',
        'codegen-worker',
        'executor-dispatcher',
        'indexing-worker',
        'orchestrator',
      ]),
    );
    await page.screenshot({ path: join(REPORTS, 'live.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
