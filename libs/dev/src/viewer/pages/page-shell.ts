import { VIEWER_ASSETS } from '../assets/viewer-assets';
import { type SafeHtml, html } from './safe-html';

export interface PageShellOptions {
  readonly title: string;
  readonly body: SafeHtml;
  /** Scripts of `VIEWER_ASSETS` to load at the end of the body. */
  readonly scripts?: readonly (keyof typeof VIEWER_ASSETS)[];
  /** Reload the page after this many seconds (a trace still running). */
  readonly refreshSeconds?: number;
}

/** The document around a viewer page: one stylesheet, no inline script, no third-party resource. */
export function pageShell(options: PageShellOptions): string {
  return `<!doctype html>\n${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : null}
        <title>${options.title} · cogo dev</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/dev/assets/viewer.css" />
      </head>
      <body>
        <main>${options.body}</main>
        ${(options.scripts ?? []).map((name) => html`<script src="/dev/assets/${name}" defer></script>`)}
      </body>
    </html>`.markup
  }\n`;
}
