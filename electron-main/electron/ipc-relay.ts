// Relays the window's bridge calls to the host's local API and the host's events back to the window.
// Main trusts nothing from the renderer: the sender must be our own page, the method one of the bridge's,
// and the params must pass that method's schema before anything reaches the host.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { bridgeEvents, bridgeMethods, isBridgeMethod } from '../../core/bridge/api.ts';
import { DaomeshError, isErrorCode, isErrorDetail, type ErrorInfo } from '../../core/errors.ts';
import type { ApiClient } from '../host/api-client.ts';
import { callChannel, eventChannel, type RelayAnswer } from './channels.ts';

export type IpcRelayOptions = {
  /** The URL of our page (daomesh://app/index.html, app-protocol.ts): the only page allowed to call. */
  pageUrl: string;
  /**
   * The host's API client for a call: resolves once it is connected (again, while the host restarts,
   * host-supervisor.ts); rejects if the host could not start or was given up on.
   */
  client: () => Promise<ApiClient>;
  /** Where host events go (the main window, while it exists). */
  target: () => WebContents | null;
};

export type IpcRelay = {
  /** Forwards the host events of a newly connected client (the first, or one after a host restart) from now on. */
  forwardEvents(client: ApiClient): void;
  /** Removes the relay and stops forwarding events. */
  stop(): void;
};

export function startIpcRelay(options: IpcRelayOptions): IpcRelay {
  const page = new URL(options.pageUrl);

  ipcMain.handle(callChannel, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<RelayAnswer> => {
    if (!isOurPage(event, page)) {
      return { error: { code: 'UNAUTHORIZED', message: 'Only the DAOmesh window may call the node.' } };
    }
    if (!isBridgeMethod(method)) {
      return { error: { code: 'UNKNOWN_METHOD', message: `The node has no method ${JSON.stringify(String(method))}.` } };
    }
    const parsed = bridgeMethods[method].params.safeParse(params);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`).join('; ');
      return { error: { code: 'BAD_REQUEST', message: `Invalid params for ${method}: ${details}.` } };
    }
    try {
      const client = await options.client();
      return { result: await client.callRaw(method, parsed.data) };
    } catch (error) {
      return { error: errorInfo(error) };
    }
  });

  let unsubscribe: (() => void)[] = [];
  let stopped = false;

  return {
    forwardEvents(client) {
      if (stopped) return;
      for (const off of unsubscribe) off();
      unsubscribe = Object.keys(bridgeEvents).map((name) =>
        client.on(name, (data) => {
          const target = options.target();
          if (target && !target.isDestroyed()) target.send(eventChannel, name, data);
        }),
      );
    },
    stop() {
      stopped = true;
      ipcMain.removeHandler(callChannel);
      for (const off of unsubscribe) off();
    },
  };
}

/** The top frame of our own index.html; not an iframe, not a page the window was somehow navigated to. */
function isOurPage(event: IpcMainInvokeEvent, page: URL): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return url.protocol === page.protocol && url.host === page.host && url.pathname === page.pathname;
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof DaomeshError) return error.toJSON();
  const candidate = error as { code?: unknown; message?: unknown; hint?: unknown; detail?: unknown } | null;
  if (candidate && isErrorCode(candidate.code) && typeof candidate.message === 'string') {
    return {
      code: candidate.code,
      message: candidate.message,
      ...(typeof candidate.hint === 'string' ? { hint: candidate.hint } : {}),
      ...(isErrorDetail(candidate.detail) ? { detail: candidate.detail } : {}),
    };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
