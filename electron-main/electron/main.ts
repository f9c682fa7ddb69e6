// Electron's main process: one window, one host. The host (keys, storage, libp2p) runs as the bundled
// `daomesh node` in a utility process; main only relays the window's bridge calls to the host's local API.
// Bundled by scripts/build.mjs into dist/electron/main.mjs (package.json "main").
import { app, BrowserWindow, dialog, protocol, session } from 'electron';
import { dirname, join } from 'node:path';
import { DaomeshError, formatError } from '../../core/errors.ts';
import { connectApi, readApiEndpoint, type ApiClient } from '../host/api-client.ts';
import { defaultDataDir } from '../host/data-dir.ts';
import { appPageUrl, appScheme, appSchemePrivileges, createAppProtocolHandler } from './app-protocol.ts';
import { startHostProcess, type HostProcess } from './host-process.ts';
import { superviseHost, type HostSupervisor } from './host-supervisor.ts';
import { startIpcRelay } from './ipc-relay.ts';
import { confineWebContents, createMainWindow, hardenSession, pageContentSecurityPolicy } from './window.ts';

/** The built files, from the app's root (the repository in development, app.asar when packaged). */
function builtFiles() {
  const root = app.getAppPath();
  return {
    indexHtml: join(root, 'dist', 'app', 'index.html'),
    preload: join(root, 'dist', 'electron', 'preload.cjs'),
    // A utility process runs a real file: electron-builder.yml unpacks host.mjs next to app.asar.
    hostScript: join(root, 'dist', 'electron', 'host.mjs').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'),
  };
}

function main(): void {
  // Only before the app is ready: the scheme our page comes from (app-protocol.ts).
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: appSchemePrivileges }]);

  // One app per user: a second launch focuses the first window (two hosts cannot share a data directory).
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // The same directory the `daomesh` CLI uses by default ($DAOMESH_DATA, else the OS app-data folder), so
  // `daomesh status` in a terminal talks to the desktop app's node.
  const dataDir = defaultDataDir();
  const files = builtFiles();
  let mainWindow: BrowserWindow | null = null;
  let supervisor: HostSupervisor | null = null;
  let client: ApiClient | null = null;
  let quitting = false;
  let failed = false;

  // The window's calls wait for the connected client, or, while the host is down, the next one.
  const relay = startIpcRelay({ pageUrl: appPageUrl, target: () => mainWindow?.webContents ?? null });

  function fail(reason: string): void {
    relay.bridge.failed(reason);
    if (failed || quitting) return;
    failed = true;
    dialog.showErrorBox('DAOmesh cannot run its node', `${reason}\n\nData directory: ${dataDir}`);
    app.quit();
  }

  async function connect(host: HostProcess): Promise<void> {
    const { secret } = await readApiEndpoint(dataDir);
    client = await connectApi({ url: host.summary.api, secret });
    relay.bridge.connected(client);
  }

  void (async () => {
    supervisor = await superviseHost({
      start: () => startHostProcess({ script: files.hostScript, dataDir }),
      onDown: (reason, restartInMs) => {
        console.error(`${reason} Starting it again in ${restartInMs / 1000} s.`);
        client?.close();
        client = null;
        relay.bridge.down();
      },
      onRestarted: (host) => {
        connect(host).then(
          () => {
            // The new host starts locked, with nothing of the window's sessions: the page starts over too.
            mainWindow?.webContents.reload();
            if (mainWindow) void dialog.showMessageBox(mainWindow, { type: 'warning', message: 'The DAOmesh node stopped unexpectedly and was started again.', detail: 'Nothing it had stored is lost. If DAOmesh asks for your passphrase again, this is why.' });
          },
          (error: unknown) => fail(describe(error)),
        );
      },
      onGaveUp: fail,
    });
    await connect(supervisor.current()!);
  })().catch((error: unknown) => fail(describe(error)));

  function openWindow(): void {
    mainWindow = createMainWindow({ preload: files.preload });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  }

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => confineWebContents(contents));

  // Stop the host before quitting, so it closes its stores and releases the data directory.
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    relay.stop();
    client?.close();
    void (supervisor?.stop() ?? Promise.resolve()).finally(() => app.quit());
  });

  // macOS keeps an app (and here its node) running with no window until the user quits it.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && !mainWindow) openWindow();
  });

  void app.whenReady().then(() => {
    const policy = pageContentSecurityPolicy(files.indexHtml);
    // The built UI on daomesh://app/, with the page's own policy as a header too.
    session.defaultSession.protocol.handle(appScheme, createAppProtocolHandler({ root: dirname(files.indexHtml), contentSecurityPolicy: policy }));
    hardenSession(session.defaultSession, policy);
    openWindow();
  });
}

function describe(error: unknown): string {
  if (error instanceof DaomeshError) return formatError(error.toJSON());
  return error instanceof Error ? error.message : String(error);
}

main();
