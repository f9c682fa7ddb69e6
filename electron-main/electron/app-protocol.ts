// The window's page comes from daomesh://app/, a scheme of our own, instead of file:// (Electron's security
// checklist, item 18). A file:// page is given privileges beyond a web page's, among them reading any file the
// user can; daomesh://app/ is one origin that reaches the built UI in dist/app and nothing else, and behaves
// like the http origin the same UI has in web mode, which is where the tests drive it.
// No 'electron' import: main.ts registers the scheme and hands protocol.handle this module's handler, so the
// handler is tested under plain Node (electron-main/electron/app-protocol.test.ts).
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { lookup } from 'mrmime';

export const appScheme = 'daomesh';
export const appOrigin = `${appScheme}://app`;
/** What the window loads, and the only page the IPC relay answers. */
export const appPageUrl = `${appOrigin}/index.html`;

/**
 * What Chromium lets the scheme do (protocol.registerSchemesAsPrivileged, before the app is ready): a standard,
 * secure origin, so that relative URLs, module scripts and workers, IndexedDB and the CSP's 'self' work as on
 * http; CORS-enabled, for the module scripts Vite marks crossorigin. Nothing bypasses the CSP.
 */
export const appSchemePrivileges = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/**
 * The file of `root` that `url` names, or null when it names none: another scheme or host, a path that leaves
 * `root` (`..`, encoded or not), an encoded slash or backslash, a NUL. "/" is index.html. Query and fragment
 * are ignored.
 */
export function appFileFor(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${appScheme}:` || parsed.host.toLowerCase() !== 'app') return null;
  // Separators stay literal: an encoded one would let a name reach another folder after decoding.
  if (/%2f|%5c|%00/i.test(parsed.pathname) || parsed.pathname.includes('\\')) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path === '') path = '/';
  if (path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(join(base, path));
  const inside = relative(base, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

export type AppProtocolOptions = {
  /** dist/app: the built UI. */
  root: string;
  /** Sent with every answer; the page's <meta> carries the same policy. */
  contentSecurityPolicy: string;
};

/** The handler for protocol.handle(appScheme, …): the file a GET or HEAD names, with its type and our headers. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const headers = (contentType: string): Record<string, string> => ({
    'content-type': contentType,
    'content-security-policy': options.contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  const refuse = (status: number, text: string): Response => new Response(`${text}\n`, { status, headers: headers('text/plain; charset=utf-8') });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const file = appFileFor(options.root, request.url);
    if (file === null) return refuse(404, 'Not found');
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch {
      return refuse(404, 'Not found'); // missing, a folder, unreadable: nothing to show either way
    }
    const type = lookup(file) ?? 'application/octet-stream';
    const contentType = /^text\/|javascript|json|svg/.test(type) ? `${type}; charset=utf-8` : type;
    return new Response(request.method === 'HEAD' ? null : bytes, { status: 200, headers: headers(contentType) });
  };
}
