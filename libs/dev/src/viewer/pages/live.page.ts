import { pageShell } from './page-shell';
import { html } from './safe-html';

const COUNTERS = [
  ['messages', 'messages'],
  ['queued', 'queued'],
  ['claimed', 'in flight'],
  ['done', 'done'],
  ['failed', 'failed'],
  ['dead', 'dead letters'],
] as const;

/**
 * The live view of the bus: counters, traffic per agent and pattern, dead letters and recent
 * traces. The page is a skeleton; `live.js` fills it from the server-sent events of
 * `/dev/api/stream` and from `/dev/api/traces`.
 */
export function renderLivePage(): string {
  return pageShell({
    title: 'live bus',
    scripts: ['live.js'],
    body: html`
      <header class="live-head">
        <h1>cogo bus — live</h1>
        <span class="stream-status badge" id="stream-status" data-testid="stream-status" role="status"
          >connecting…</span
        >
        <span class="note">updates: <span id="updates" data-testid="updates">0</span></span>
      </header>
      <p class="note">
        Read from <code>agent_messages</code> and <code>agent_instances</code> about once a second. Start a flow
        (README, “First run”) and watch it pass; open a trace for its waterfall.
      </p>
      <ul class="counters" aria-label="all deliveries on the bus">
        ${COUNTERS.map(
          ([key, label]) =>
            html`<li>
              <span class="value" id="total-${key}" data-testid="total-${key}">–</span
              ><span class="label">${label}</span>
            </li>`,
        )}
      </ul>
      <div class="columns">
        <section aria-labelledby="agents-title">
          <h2 id="agents-title">Agents</h2>
          <table class="grid-table" data-testid="agents">
            <thead>
              <tr>
                <th scope="col">agent / pattern</th>
                <th scope="col">instances</th>
                <th scope="col" class="num">queued</th>
                <th scope="col" class="num">in flight</th>
                <th scope="col" class="num">done/s</th>
                <th scope="col">last minute</th>
                <th scope="col" class="num">failed</th>
                <th scope="col" class="num">dead</th>
              </tr>
            </thead>
            <tbody id="agents-body">
              <tr>
                <td colspan="8" class="empty">waiting for the first update…</td>
              </tr>
            </tbody>
          </table>
          <h2 id="dead-title">Dead letters</h2>
          <table class="grid-table" data-testid="dead-letters" aria-labelledby="dead-title">
            <thead>
              <tr>
                <th scope="col">when</th>
                <th scope="col">pattern</th>
                <th scope="col">recipient</th>
                <th scope="col" class="num">attempts</th>
                <th scope="col">last error</th>
              </tr>
            </thead>
            <tbody id="dead-body">
              <tr>
                <td colspan="5" class="empty">none</td>
              </tr>
            </tbody>
          </table>
        </section>
        <section aria-labelledby="traces-title">
          <h2 id="traces-title">
            Recent traces
            <label class="toggle"><input type="checkbox" id="show-lookups" /> show lookups</label>
          </h2>
          <table class="grid-table" data-testid="traces">
            <thead>
              <tr>
                <th scope="col">started</th>
                <th scope="col">started by</th>
                <th scope="col">status</th>
                <th scope="col" class="num">duration</th>
                <th scope="col" class="num">messages</th>
                <th
                  scope="col"
                  class="num"
                  title="deliveries that ended failed, dead or expired; a failed test run is a result, not a failed delivery"
                >
                  failed deliveries
                </th>
              </tr>
            </thead>
            <tbody id="traces-body">
              <tr>
                <td colspan="6" class="empty">loading…</td>
              </tr>
            </tbody>
          </table>
        </section>
      </div>
    `,
  });
}
