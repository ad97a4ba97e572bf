import type { GatesJsonReport, JsonGateVerdict } from '@cogo/gates';
import {
  type TraceEntry,
  type TraceEventEntry,
  type TraceMessageEntry,
  type TraceRun,
  type TraceView,
  formatMs,
  groupOf,
} from '@cogo/telemetry';
import { pageShell } from './page-shell';
import { SafeHtml, html } from './safe-html';
import { type TimeAxis, barSegments, positionOf, timeAxis } from './waterfall-layout';

/** The quality-gate verdict of the trace's run, why there is none, or none because there is no run. */
export type TraceGate = { readonly report: GatesJsonReport } | { readonly problem: string } | null;

export interface TracePageModel {
  readonly view: TraceView;
  readonly run: TraceRun | null;
  readonly gate: TraceGate;
}

const MARKS = { request: '▸', reply: '◂', delivery: '»', event: '◆' } as const;
const SEGMENT_NAMES = {
  delayed: 'delayed (not yet due)',
  queued: 'queue wait',
  handling: 'handler',
  running: 'handler, still running',
} as const;

/**
 * One trace as a page: its run and steps, the quality-gate verdict, and a waterfall with one row
 * per message and event on a shared time axis, indented by the parent/child tree; queue wait and
 * handler time are told apart, failures are marked with their error. While anything is in flight
 * the page reloads itself.
 */
export function renderTracePage(model: TracePageModel): string {
  const { view } = model;
  const axis = timeAxis(view);
  const running = view.summary.inFlight > 0 || model.run?.status === 'running';
  return pageShell({
    title: `trace ${view.traceId}`,
    refreshSeconds: running ? 2 : undefined,
    body: html`
      <header class="page-head">
        <p class="crumbs"><a href="/dev">← live bus</a></p>
        <h1>Trace <code>${view.traceId}</code></h1>
        ${runLine(model.run, running)}
        <p class="links">
          <a href="/api/metrics/trace/${view.traceId}">trace JSON</a>
          ${model.run ? html`· <a href="/api/orchestrator/state/${model.run.id}">run state JSON</a>` : null} ·
          <a href="/artifacts/${view.traceId}/">artifacts</a>
        </p>
      </header>
      ${summaryList(view)} ${model.run ? stepStrip(model.run) : null} ${gatePanel(model.gate)}
      <section aria-labelledby="waterfall-title">
        <h2 id="waterfall-title">Waterfall</h2>
        ${legend()} ${waterfall(view, axis)}
        ${
          view.summary.truncated
            ? html`<p class="note">The trace has more rows than were read; only the oldest are shown.</p>`
            : null
        }
      </section>
    `,
  });
}

/** The page for a trace id that no row carries (yet). */
export function renderTraceNotFoundPage(traceId: string): string {
  return pageShell({
    title: `trace ${traceId}`,
    refreshSeconds: 3,
    body: html`
      <p class="crumbs"><a href="/dev">← live bus</a></p>
      <h1>Trace <code>${traceId}</code></h1>
      <p class="note" data-testid="trace-not-found">
        No message or event carries this trace id (yet). This page looks again every few seconds.
      </p>
    `,
  });
}

function runLine(run: TraceRun | null, running: boolean): SafeHtml {
  if (!run) {
    return html`<p class="run">
      ${running ? html`<span class="badge running">running</span>` : null} No workflow run started in this trace.
    </p>`;
  }
  const error = errorText(run.error);
  return html`<p class="run" data-testid="run" data-status="${run.status}">
      <span class="badge ${statusClass(run.status)}">${run.status}</span>
      workflow <strong>${run.template}</strong>, run <code>${run.id}</code>
    </p>
    ${error ? html`<p class="run-error error-text">✗ ${error}</p>` : null}`;
}

function summaryList(view: TraceView): SafeHtml {
  const { summary } = view;
  return html`<dl class="summary" data-testid="summary">
    <div>
      <dt>duration</dt>
      <dd>${summary.durationMs === null ? 'not finished' : formatMs(summary.durationMs)}</dd>
    </div>
    <div>
      <dt>messages</dt>
      <dd>${summary.messages}</dd>
    </div>
    <div>
      <dt>events</dt>
      <dd>${summary.events}</dd>
    </div>
    <div>
      <dt>failed deliveries</dt>
      <dd class="${summary.failures > 0 ? 'bad' : 'good'}">${summary.failures}</dd>
    </div>
    <div>
      <dt>in flight</dt>
      <dd>${summary.inFlight}</dd>
    </div>
    <div class="wide">
      <dt>agents</dt>
      <dd>${summary.agents.join(', ')}</dd>
    </div>
  </dl>`;
}

function stepStrip(run: TraceRun): SafeHtml {
  return html`<section aria-labelledby="steps-title">
    <h2 id="steps-title">Steps</h2>
    <ol class="steps">
      ${run.steps.map(
        (step) =>
          html`<li
            class="step ${statusClass(step.status)}"
            data-testid="run-step"
            data-capability="${step.capability}"
            data-status="${step.status}"
          >
            <strong>${step.name}</strong> <code>${step.capability}</code>
            <span class="badge ${statusClass(step.status)}">${step.status}</span>
            ${step.attempts > 1 ? html`<span class="attempts">×${step.attempts}</span>` : null}
            ${errorText(step.error) ? html`<div class="error-text">${errorText(step.error)}</div>` : null}
          </li>`,
      )}
    </ol>
  </section>`;
}

function gatePanel(gate: TraceGate): SafeHtml {
  const head = html`<h2 id="gate-title">Quality gates</h2>`;
  if (gate === null) {
    return html`<section aria-labelledby="gate-title" class="gate" data-testid="gate-verdict" data-passed="none">
      ${head}
      <p class="note">No workflow run in this trace, so no gate verdict.</p>
    </section>`;
  }
  if ('problem' in gate) {
    return html`<section aria-labelledby="gate-title" class="gate" data-testid="gate-verdict" data-passed="unknown">
      ${head}
      <p class="note">The verdict could not be had: ${gate.problem}</p>
    </section>`;
  }
  const { report } = gate;
  const headline = gateHeadline(report);
  return html`<section
    aria-labelledby="gate-title"
    class="gate"
    data-testid="gate-verdict"
    data-passed="${String(report.passed)}"
  >
    ${head}
    <p>
      <span class="badge ${headline.tone}" data-testid="gate-headline">${headline.text}</span>
      failure rate and latency of this trace's deliveries, against <code>gates.config.json</code>${
        headline.note ? html`; ${headline.note}` : null
      }
    </p>
    <table class="gates">
      <thead>
        <tr>
          <th scope="col">gate</th>
          <th scope="col">verdict</th>
          <th scope="col">value</th>
          <th scope="col">threshold</th>
          <th scope="col">samples</th>
        </tr>
      </thead>
      <tbody>
        ${report.gates.map(
          (verdict) =>
            html`<tr data-testid="gate-row" data-gate="${verdict.gate}" data-status="${verdict.status}">
              <th scope="row" title="${verdict.message}">${verdict.gate}</th>
              <td><span class="badge ${gateClass(verdict)}">${verdict.status}</span></td>
              <td>${verdict.value === null ? '–' : gateValue(verdict.value, verdict)}</td>
              <td>${verdict.comparator === '<=' ? '≤' : '≥'} ${gateValue(verdict.threshold, verdict)}</td>
              <td>${verdict.samples}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/**
 * The verdict in a word. Per-pattern gates of patterns the trace never used are left out by the
 * orchestrator; a gate still without samples (a trace with no finished delivery yet) fails its
 * verdict, and is told apart from a measured failure, not hidden.
 */
export function gateHeadline(report: GatesJsonReport): { text: string; tone: string; note: string | null } {
  const failed = report.gates.filter((verdict) => verdict.status === 'fail').length;
  const unmeasured = report.gates.filter((verdict) => verdict.status === 'insufficient').length;
  const note = unmeasured > 0 ? `${unmeasured} gate(s) without samples in this trace` : null;
  if (report.passed) return { text: 'passed', tone: 'ok', note };
  if (failed > 0) return { text: `failed (${failed} gate(s))`, tone: 'failed', note };
  return { text: 'not fully judged', tone: 'running', note };
}

function legend(): SafeHtml {
  return html`<p class="legend" aria-hidden="true">
    <span><i class="seg delayed"></i>delayed</span>
    <span><i class="seg queued"></i>queue wait</span>
    <span><i class="seg handling"></i>handler</span>
    <span><i class="seg running"></i>still running</span>
    <span><i class="seg failed"></i>failed</span>
    <span><i class="marker-key">◆</i>event</span>
    <span>▸ request · ◂ reply · » event delivery</span>
  </p>`;
}

function waterfall(view: TraceView, axis: TimeAxis): SafeHtml {
  return html`<table class="waterfall" data-testid="waterfall">
    <thead>
      <tr>
        <th scope="col" class="col-at">at</th>
        <th scope="col" class="col-label">message / event</th>
        <th scope="col" class="col-status">status</th>
        <th scope="col" class="col-bar">
          <div class="axis" aria-label="time axis, ${formatMs(axis.spanMs)} in all">
            ${axis.ticks.map(
              (tick) =>
                html`<span class="tick" style="left:${tick.percent}%" data-testid="axis-tick">${tick.label}</span>`,
            )}
          </div>
        </th>
        <th scope="col" class="col-timing">wait + handler</th>
      </tr>
    </thead>
    <tbody>
      ${view.timeline.map((entry) => row(entry, axis))}
    </tbody>
  </table>`;
}

function row(entry: TraceEntry, axis: TimeAxis): SafeHtml {
  const error = failureOf(entry);
  const failed = error !== null;
  const pattern = entry.record === 'event' ? entry.type : entry.pattern;
  const kind = entry.record === 'event' ? 'event' : entry.kind === 'event' ? 'delivery' : entry.kind;
  const status = entry.record === 'event' ? (failed ? 'failed' : 'event') : entry.status;
  const grid = axis.ticks.map((tick) => html`<i class="grid" style="left:${tick.percent}%"></i>`);
  return html`<tr
      class="row ${failed ? 'failed' : ''} kind-${kind}"
      data-testid="waterfall-row"
      data-record="${entry.record}"
      data-kind="${kind}"
      data-pattern="${pattern}"
      data-status="${status}"
      data-depth="${entry.depth}"
    >
      <td class="col-at">+${formatMs(entry.offsetMs)}</td>
      <td class="col-label" style="padding-left:${0.4 + entry.depth * 1.1}rem">
        <span class="mark">${MARKS[kind]}</span> <span class="pattern">${pattern}</span>
        <span class="route">${routeOf(entry)}</span>
      </td>
      <td class="col-status">
        <span class="badge ${failed ? 'failed' : statusClass(status)}"
          >${entry.record === 'event' ? 'event' : status}</span
        >
        ${entry.record === 'message' && entry.attempts > 1 ? html`<span class="attempts">×${entry.attempts}</span>` : null}
      </td>
      <td class="col-bar">
        <div class="lane" role="img" aria-label="${barLabel(entry)}" title="${barLabel(entry)}">
          ${grid} ${entry.record === 'event' ? eventMarker(entry, axis, failed) : messageBar(entry, axis, failed)}
        </div>
      </td>
      <td class="col-timing">${timingOf(entry)}</td>
    </tr>
    ${
      error
        ? html`<tr class="error-row" data-testid="row-error">
            <td></td>
            <td colspan="4" class="error-text" style="padding-left:${1.6 + entry.depth * 1.1}rem">✗ ${error}</td>
          </tr>`
        : null
    }`;
}

function messageBar(entry: TraceMessageEntry, axis: TimeAxis, failed: boolean): SafeHtml[] {
  return barSegments(entry, axis).map(
    (segment) =>
      html`<i
        class="seg ${failed && (segment.kind === 'handling' || segment.kind === 'running') ? 'failed' : segment.kind}"
        style="left:${segment.leftPercent}%;width:${segment.widthPercent}%"
        data-segment="${segment.kind}"
      ></i>`,
  );
}

function eventMarker(entry: TraceEventEntry, axis: TimeAxis, failed: boolean): SafeHtml {
  return html`<i
    class="marker ${failed ? 'failed' : ''}"
    style="left:${positionOf(entry.createdAt, axis)}%"
    data-segment="event"
    >◆</i
  >`;
}

function routeOf(entry: TraceEntry): string {
  if (entry.record === 'event') return `from ${groupOf(entry.source)}`;
  return `${groupOf(entry.sender)} → ${groupOf(entry.recipient)}`;
}

function barLabel(entry: TraceEntry): string {
  const pattern = entry.record === 'event' ? entry.type : entry.pattern;
  const at = `at +${formatMs(entry.offsetMs)}`;
  if (entry.record === 'event') return `event ${pattern} ${at}, delivered to ${entry.deliveries}`;
  const parts = [`${entry.kind} ${pattern} ${at}`, entry.status];
  if (entry.queueWaitMs !== null) parts.push(`${SEGMENT_NAMES.queued} ${formatMs(entry.queueWaitMs)}`);
  if (entry.handlerMs !== null && entry.kind !== 'reply') {
    parts.push(`${SEGMENT_NAMES.handling} ${formatMs(entry.handlerMs)}`);
  }
  return parts.join(', ');
}

function timingOf(entry: TraceEntry): string {
  if (entry.record === 'event') return `→ ${entry.deliveries}`;
  if (entry.kind === 'reply') return entry.queueWaitMs === null ? '…' : formatMs(entry.queueWaitMs);
  const wait = entry.queueWaitMs === null ? '…' : formatMs(entry.queueWaitMs);
  const handler = entry.handlerMs === null ? (entry.status === 'claimed' ? '…' : '') : formatMs(entry.handlerMs);
  return handler ? `${wait} + ${handler}` : wait;
}

/**
 * What went wrong in a row, or `null`: a message that ended failed, dead or expired, with its
 * error; an event that reports a failure (`workflow.step.failed`, `workflow.failed`, a result with
 * `ok: false` such as `test.completed` of failing tests, a decision whose outcome failed). A
 * failed test is a result, not a crash, so it shows in the events, not in the messages.
 */
export function failureOf(entry: TraceEntry): string | null {
  if (entry.record === 'message') return isFailure(entry) ? (errorText(entry.error) ?? entry.status) : null;
  const data = (typeof entry.data === 'object' && entry.data !== null ? entry.data : {}) as Record<string, unknown>;
  if (data.error !== undefined && data.error !== null) return errorText(data.error);
  if (entry.type.endsWith('.failed')) return entry.type;
  if (data.ok === false) {
    const failed = typeof data.failed === 'number' ? `, ${data.failed} failed` : '';
    const errors = typeof data.errors === 'number' ? `, ${data.errors} error(s)` : '';
    return `${entry.type}: not ok${failed}${errors}`;
  }
  if (data.outcome === 'failed') return `${entry.type}: outcome failed`;
  return null;
}

function isFailure(entry: TraceMessageEntry): boolean {
  return entry.status === 'failed' || entry.status === 'dead' || entry.status === 'expired';
}

function statusClass(status: string): string {
  if (status === 'done' || status === 'succeeded' || status === 'ok' || status === 'pass') return 'ok';
  if (['failed', 'dead', 'expired', 'fail'].includes(status)) return 'failed';
  if (['running', 'claimed', 'queued'].includes(status)) return 'running';
  return 'neutral';
}

function gateClass(verdict: JsonGateVerdict): string {
  return verdict.status === 'pass' ? 'ok' : verdict.status === 'fail' ? 'failed' : 'neutral';
}

function gateValue(value: number, verdict: JsonGateVerdict): string {
  return verdict.unit === 'share' ? `${(value * 100).toFixed(1)}%` : formatMs(value);
}

/** `CODE: message` of a stored error (`{code, message}` as the bus writes it), or its JSON. */
export function errorText(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' || typeof message === 'string') {
      return [code, message].filter((part) => typeof part === 'string' && part).join(': ');
    }
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
