// The window and the rules every web page in the app lives by: sandboxed, context-isolated, no Node, no
// navigation away from our page, no new windows, no permissions but clipboard writes, and our Content Security Policy.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { readFileSync } from 'node:fs';
import { appPageUrl } from './app-protocol.ts';

export type WindowFiles = {
  /** dist/electron/preload.cjs */
  preload: string;
};

/** The window shows our page from daomesh://app/ (app-protocol.ts), never from file://. */
export function createMainWindow(files: WindowFiles): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'DAOmesh',
    webPreferences: {
      preload: files.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appPageUrl);
  return window;
}

/** For every web contents the app ever creates (windows, devtools): no popups, no leaving the page. */
export function confineWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    // A link in a bounty or proposal opens in the user's browser, never inside the app.
    if (isWebLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (isWebLink(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function isWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Denies every permission request and check (camera, notifications, geolocation…), except writing to the
 * clipboard, which the UI's copy buttons (addresses, invites) need. Adds our CSP as a response header.
 */
export function hardenSession(session: Session, contentSecurityPolicy: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  // Our own pages carry the policy twice already (the <meta> in index.html, the protocol handler's header);
  // this puts it on any other response that passes through webRequest.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });
}

/** The strictest policy the UI can run under, used only if the built index.html carries none. */
const fallbackPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** The CSP of the built page (app/index.html's <meta>), so that the header and the page never disagree. */
export function pageContentSecurityPolicy(indexHtml: string): string {
  let html: string;
  try {
    html = readFileSync(indexHtml, 'utf8');
  } catch {
    return fallbackPolicy;
  }
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const policy = (content?.[1] ?? content?.[2] ?? '').replace(/\s+/g, ' ').trim();
    if (policy) return policy;
  }
  return fallbackPolicy;
}
