/**
 * The stylesheet of every viewer page. Kept in a TypeScript module, not a .css file, because the
 * build copies only TypeScript to dist and the viewer must work there without a bundler.
 */
export const VIEWER_STYLE = `
:root {
  --ink: #1d2330; --muted: #5d6677; --line: #e3e6ec; --soft: #f5f7fa; --accent: #2458c6;
  --queued: #b9d0f5; --delayed: #dcdfe5; --handling: #2f6fdb; --running: #7aa3ee;
  --ok: #17803d; --ok-bg: #e3f5e8; --bad: #c62828; --bad-bg: #fde8e8; --warn: #8a5a00; --warn-bg: #fff3d6;
  --event: #d9822b;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1480px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.45rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.5rem; }
code { font: 0.92em ui-monospace, "DejaVu Sans Mono", monospace; }
a { color: var(--accent); }
.crumbs, .links, .note, .run { margin: 0.2rem 0; color: var(--muted); }
.run { color: var(--ink); }
.note { font-style: italic; }
.badge { display: inline-block; padding: 0 0.45em; border-radius: 0.6em; font-size: 0.82em; font-weight: 600; background: var(--soft); color: var(--muted); white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.failed { background: var(--bad-bg); color: var(--bad); }
.badge.running { background: var(--warn-bg); color: var(--warn); }
.error-text { color: var(--bad); }
.step .error-text, .run-error, .waterfall tr.error-row td.error-text { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 12em; overflow: auto; }
.run-error { margin: 0.1rem 0 0.3rem; font-size: 0.92em; }
.attempts { color: var(--warn); font-size: 0.85em; margin-left: 0.3em; }
.good { color: var(--ok); } .bad { color: var(--bad); font-weight: 700; }

.summary { display: flex; flex-wrap: wrap; gap: 0.4rem 1.6rem; margin: 0.8rem 0 0; padding: 0.6rem 0.9rem; background: var(--soft); border-radius: 6px; }
.summary div { min-width: 5rem; } .summary .wide { flex: 1 1 20rem; }
.summary dt { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.summary dd { margin: 0; font-weight: 600; }

.steps { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; margin: 0; counter-reset: step; }
.step { padding: 0.35rem 0.7rem; border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 5px; }
.step.ok { border-left-color: var(--ok); } .step.failed { border-left-color: var(--bad); background: #fffafa; }
.step.running { border-left-color: var(--warn); }

table { border-collapse: collapse; }
.gates, .grid-table { min-width: 40rem; }
.gates th, .gates td, .grid-table th, .grid-table td { padding: 0.25rem 0.7rem; border-bottom: 1px solid var(--line); text-align: left; }
.gates thead th, .grid-table thead th { font-size: 0.8em; color: var(--muted); font-weight: 600; }
.grid-table td.num, .grid-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid-table tr.sub th { font-weight: 400; padding-left: 1.6rem; color: var(--muted); }
.grid-table tr.agent th { padding-top: 0.5rem; }
.grid-table tr.stale th { color: var(--bad); }

.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.1rem; color: var(--muted); font-size: 0.85em; margin: 0 0 0.4rem; }
.legend .seg { position: static; display: inline-block; width: 1.4em; height: 0.75em; margin-right: 0.35em; vertical-align: -0.05em; }
.marker-key { color: var(--event); font-style: normal; margin-right: 0.3em; }

.waterfall { width: 100%; table-layout: fixed; font-size: 13px; }
.waterfall th { font-size: 0.8em; color: var(--muted); font-weight: 600; text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid var(--line); }
.waterfall td { padding: 0.12rem 0.4rem; border-bottom: 1px solid #f0f2f5; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
.waterfall .col-at { width: 4.6rem; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.waterfall .col-label { width: 34%; }
.waterfall .col-status { width: 6.6rem; }
.waterfall .col-timing { width: 8.5rem; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.waterfall .col-bar { padding-left: 0.8rem; padding-right: 1.4rem; overflow: visible; }
.waterfall tbody tr:hover td { background: #f7f9fd; }
.waterfall tr.failed td { background: var(--bad-bg); }
.waterfall tr.failed .pattern { color: var(--bad); font-weight: 700; }
.waterfall tr.kind-reply .pattern, .waterfall tr.kind-delivery .pattern { color: var(--muted); }
.waterfall .mark { color: var(--muted); }
.waterfall .pattern { font-weight: 600; }
.waterfall .route { color: var(--muted); margin-left: 0.4em; font-size: 0.92em; }
.waterfall tr.error-row td { white-space: normal; font-size: 0.92em; padding-top: 0; border-bottom: 1px solid var(--line); background: var(--bad-bg); }
.axis { position: relative; height: 1.2em; }
.tick { position: absolute; transform: translateX(-50%); font-weight: 400; font-variant-numeric: tabular-nums; }
.tick:first-child { transform: none; }
.lane { position: relative; height: 16px; }
.grid { position: absolute; top: -3px; bottom: -3px; width: 1px; background: #eceef2; }
.seg { position: absolute; top: 3px; height: 10px; border-radius: 2px; }
.seg.delayed { background: repeating-linear-gradient(90deg, var(--delayed) 0 3px, transparent 3px 5px); }
.seg.queued { background: var(--queued); }
.seg.handling { background: var(--handling); min-width: 2px; }
.seg.running { background: repeating-linear-gradient(45deg, var(--running) 0 4px, var(--handling) 4px 8px); min-width: 2px; }
.seg.failed { background: var(--bad); min-width: 3px; }
.marker { position: absolute; top: -1px; transform: translateX(-50%); color: var(--event); font-style: normal; font-size: 12px; }
.marker.failed { color: var(--bad); }

.live-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.2rem; }
.stream-status { font-size: 0.85em; }
.counters { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.8rem 0 0; padding: 0; list-style: none; }
.counters li { padding: 0.35rem 0.9rem; background: var(--soft); border-radius: 6px; min-width: 7rem; }
.counters .value { display: block; font-size: 1.3rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.counters .label { font-size: 0.78em; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.spark { vertical-align: middle; }
.spark polyline { fill: none; stroke: var(--handling); stroke-width: 1.5; }
.empty { color: var(--muted); font-style: italic; }
.columns { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 0 2rem; }
@media (max-width: 1100px) { .columns { grid-template-columns: minmax(0, 1fr); } }
.toggle { font-size: 0.85em; color: var(--muted); font-weight: 400; margin-left: 0.8rem; }
`;
