import { LIVE_VIEW_SCRIPT } from './live-view.script';
import { VIEWER_STYLE } from './viewer-style';

/** The static files of the viewer, served under `/dev/assets/<name>`. */
export const VIEWER_ASSETS = {
  'viewer.css': { contentType: 'text/css; charset=utf-8', body: VIEWER_STYLE },
  'live.js': { contentType: 'text/javascript; charset=utf-8', body: LIVE_VIEW_SCRIPT },
} as const;

export type ViewerAssetName = keyof typeof VIEWER_ASSETS;
