/**
 * The script of the live view (`/dev`), served as `/dev/assets/live.js`. Plain browser
 * JavaScript, no framework, no build step. Every text it shows comes from the database, so it
 * builds nodes and sets `textContent`, never `innerHTML`.
 */
export const LIVE_VIEW_SCRIPT = String.raw`'use strict';
(() => {
  const HISTORY = 60;
  const history = new Map();
  let updates = 0;
  let tracesSignature = null;
  let tracesLoading = false;

  const byId = (id) => document.getElementById(id);
  function node(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') element.className = value;
      else element.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }
  function formatMs(ms) {
    if (ms < 1000) return Math.round(ms) + 'ms';
    if (ms < 10000) return (ms / 1000).toFixed(2) + 's';
    if (ms < 60000) return (ms / 1000).toFixed(1) + 's';
    const seconds = Math.round(ms / 1000);
    return Math.floor(seconds / 60) + 'm' + String(seconds % 60).padStart(2, '0') + 's';
  }
  const clock = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '');
  function errorText(error) {
    if (error === null || error === undefined) return '';
    if (typeof error === 'object' && (typeof error.code === 'string' || typeof error.message === 'string')) {
      return [error.code, error.message].filter(Boolean).join(': ');
    }
    return typeof error === 'string' ? error : JSON.stringify(error);
  }
  function badge(status) {
    const tone = { ok: 'ok', failed: 'failed', running: 'running', live: 'ok', stale: 'failed' }[status] || '';
    return node('span', { class: 'badge ' + tone }, status);
  }
  function replaceRows(tbody, rows, columns, emptyText) {
    tbody.replaceChildren(...(rows.length ? rows : [node('tr', {}, node('td', { colspan: columns, class: 'empty' }, emptyText))]));
  }
  function sparkline(points) {
    const ns = 'http://www.w3.org/2000/svg';
    const width = 90;
    const height = 18;
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('aria-hidden', 'true');
    const top = Math.max(1, ...points);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute(
      'points',
      points
        .map((value, index) => (index * width) / (HISTORY - 1) + ',' + (height - 1 - (value / top) * (height - 3)))
        .join(' '),
    );
    svg.append(line);
    return svg;
  }

  function renderTotals(totals) {
    for (const key of ['messages', 'queued', 'claimed', 'done', 'failed', 'dead']) {
      byId('total-' + key).textContent = String(totals[key]);
    }
  }

  function renderAgents(snapshot) {
    const seconds = snapshot.rate_window_ms / 1000;
    const agents = new Map();
    const agentOf = (name) => {
      if (!agents.has(name)) agents.set(name, { live: 0, stale: 0, patterns: [] });
      return agents.get(name);
    };
    for (const instance of snapshot.instances) agentOf(instance.agent)[instance.live ? 'live' : 'stale'] += 1;
    for (const queue of snapshot.queues) agentOf(queue.agent).patterns.push(queue);
    const rows = [];
    for (const name of [...agents.keys()].sort()) {
      const agent = agents.get(name);
      const sum = (key) => agent.patterns.reduce((total, queue) => total + queue[key], 0);
      const rate = sum('done_recently') / seconds;
      const points = (history.get(name) || []).concat([rate]).slice(-HISTORY);
      while (points.length < HISTORY) points.unshift(0);
      history.set(name, points);
      const instances = agent.live + ' live' + (agent.stale ? ', ' + agent.stale + ' stale' : '');
      rows.push(
        node(
          'tr',
          { class: 'agent' + (agent.live === 0 && agent.stale > 0 ? ' stale' : ''), 'data-testid': 'agent-row', 'data-agent': name },
          node('th', { scope: 'row' }, name),
          node('td', {}, agent.live + agent.stale ? instances : '–'),
          node('td', { class: 'num' }, sum('queued')),
          node('td', { class: 'num' }, sum('claimed')),
          node('td', { class: 'num' }, rate.toFixed(1)),
          node('td', {}, sparkline(points)),
          node('td', { class: 'num' }, sum('failed_recently')),
          node('td', { class: 'num' }, sum('dead')),
        ),
      );
      for (const queue of agent.patterns) {
        rows.push(
          node(
            'tr',
            { class: 'sub', 'data-testid': 'queue-row', 'data-agent': name, 'data-pattern': queue.pattern },
            node('th', { scope: 'row' }, (queue.kind === 'event' ? '» ' : '▸ ') + queue.pattern),
            node('td', {}, ''),
            node('td', { class: 'num' }, queue.queued),
            node('td', { class: 'num' }, queue.claimed),
            node('td', { class: 'num' }, (queue.done_recently / seconds).toFixed(1)),
            node('td', {}, ''),
            node('td', { class: 'num' }, queue.failed_recently),
            node('td', { class: 'num' }, queue.dead),
          ),
        );
      }
    }
    replaceRows(byId('agents-body'), rows, 8, 'no agent has registered yet');
  }

  function renderDeadLetters(deadLetters) {
    const rows = deadLetters.map((letter) =>
      node(
        'tr',
        { 'data-testid': 'dead-letter-row' },
        node('td', {}, node('a', { href: '/dev/traces/' + letter.trace_id, title: 'trace ' + letter.trace_id }, clock(letter.completed_at || letter.created_at))),
        node('td', {}, letter.pattern),
        node('td', {}, letter.recipient),
        node('td', { class: 'num' }, letter.attempts),
        node('td', { class: 'error-text' }, errorText(letter.error)),
      ),
    );
    replaceRows(byId('dead-body'), rows, 5, 'none');
  }

  async function loadTraces() {
    if (tracesLoading) return;
    tracesLoading = true;
    try {
      const lookups = byId('show-lookups').checked;
      const response = await fetch('/dev/api/traces?limit=25' + (lookups ? '&lookups=true' : ''), { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const body = await response.json();
      const rows = body.traces.map((trace) =>
        node(
          'tr',
          { 'data-testid': 'trace-row', 'data-trace-id': trace.trace_id, 'data-status': trace.status },
          node('td', {}, clock(trace.started_at)),
          node(
            'td',
            {},
            node('a', { href: '/dev/traces/' + trace.trace_id, title: 'trace ' + trace.trace_id }, trace.run ? trace.run.template : trace.root_pattern),
            trace.run ? node('span', { class: 'note' }, ' ' + trace.root_pattern) : null,
          ),
          node('td', {}, badge(trace.status)),
          node('td', { class: 'num' }, trace.duration_ms === null ? '…' : formatMs(trace.duration_ms)),
          node('td', { class: 'num' }, trace.messages),
          node('td', { class: 'num' + (trace.failures ? ' bad' : '') }, trace.failures),
        ),
      );
      replaceRows(byId('traces-body'), rows, 6, 'no trace yet');
    } catch (error) {
      replaceRows(byId('traces-body'), [], 6, 'could not load the traces: ' + error.message);
    } finally {
      tracesLoading = false;
    }
  }

  function onSnapshot(event) {
    const snapshot = JSON.parse(event.data);
    const status = byId('stream-status');
    if (snapshot.problem) {
      status.textContent = snapshot.problem;
      status.className = 'stream-status badge failed';
      return;
    }
    status.textContent = 'live';
    status.className = 'stream-status badge ok';
    updates += 1;
    byId('updates').textContent = String(updates);
    renderTotals(snapshot.totals);
    renderAgents(snapshot);
    renderDeadLetters(snapshot.dead_letters);
    const signature = [snapshot.totals.messages, snapshot.totals.queued, snapshot.totals.claimed].join('/');
    if (signature !== tracesSignature) {
      tracesSignature = signature;
      void loadTraces();
    }
  }

  const stream = new EventSource('/dev/api/stream');
  stream.addEventListener('message', onSnapshot);
  stream.addEventListener('error', () => {
    const status = byId('stream-status');
    status.textContent = 'reconnecting…';
    status.className = 'stream-status badge running';
  });
  byId('show-lookups').addEventListener('change', () => void loadTraces());
  void loadTraces();
})();
`;
