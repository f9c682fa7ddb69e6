// What main does between the window's bridge and the host, without Electron (so tests run it against a real
// host): it answers each call from the window, after checking who calls, which method and with what params,
// through the host's API client of the moment, and forwards that client's events to the window. While the host
// restarts (host-supervisor.ts), calls wait for the next client; once main gives up on the host, they fail.
// ipc-relay.ts wires it to ipcMain; main.ts to the supervisor.
import { bridgeEvents, bridgeMethods, isBridgeMethod } from '../../core/bridge/api.ts';
import { DaomeshError, isErrorCode, isErrorDetail, type ErrorInfo } from '../../core/errors.ts';
import type { ApiClient } from '../host/api-client.ts';
import type { RelayAnswer } from './channels.ts';

/** The frame a call came from (Electron's WebFrameMain: its URL and whether it has a parent), or null if gone. */
export type CallingFrame = { readonly url: string; readonly parent: unknown } | null;

export type HostBridgeOptions = {
  /** The URL of our page (daomesh://app/index.html, app-protocol.ts): the only page allowed to call. */
  pageUrl: string;
  /** Where host events go: the main window's sender while it exists, else null (the event is dropped). */
  target: () => ((event: string, data: unknown) => void) | null;
};

export class HostBridge {
  readonly #page: URL;
  readonly #target: HostBridgeOptions['target'];
  #next = awaitedClient();
  #unsubscribe: (() => void)[] = [];
  #stopped = false;

  constructor(options: HostBridgeOptions) {
    this.#page = new URL(options.pageUrl);
    this.#target = options.target;
  }

  /**
   * Main trusts nothing from the renderer: the sender must be our own page, the method one of the bridge's, and
   * the params must pass that method's schema before anything reaches the host. Errors are answered as data.
   */
  async answer(frame: CallingFrame, method: unknown, params: unknown): Promise<RelayAnswer> {
    if (!isOurPage(frame, this.#page)) {
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
      const client = await this.#next.promise;
      return { result: await client.callRaw(method, parsed.data) };
    } catch (error) {
      return { error: errorInfo(error) };
    }
  }

  /** The host is up on `client` (the first, or one after a restart): calls go to it, its events to the window. */
  connected(client: ApiClient): void {
    if (this.#stopped) return;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = Object.keys(bridgeEvents).map((name) =>
      client.on(name, (data) => {
        this.#target()?.(name, data);
      }),
    );
    this.#next.resolve(client);
  }

  /** The host went down and is being started again: calls from now on wait for the next client. */
  down(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#next = awaitedClient();
  }

  /**
   * Main gave up on the host: calls waiting, and those to come until a client connects, fail with `reason`;
   * also when the host died without a restart being tried, so the client of the moment is a dead one.
   */
  failed(reason: string): void {
    const error = new DaomeshError('NODE_NOT_RUNNING', reason);
    this.#next.reject(error); // those waiting, if the host was down
    this.down();
    this.#next.reject(error);
  }

  /** No more events are forwarded (the app quits). */
  stop(): void {
    this.#stopped = true;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
  }
}

/** A client still to come: calls made while the host (re)starts wait for it. */
function awaitedClient(): { promise: Promise<ApiClient>; resolve(client: ApiClient): void; reject(error: Error): void } {
  let resolve!: (client: ApiClient) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<ApiClient>((resolveClient, rejectClient) => {
    resolve = resolveClient;
    reject = rejectClient;
  });
  // Nobody may be waiting when it fails: not an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The top frame of our own index.html; not an iframe, not a page the window was somehow navigated to. */
function isOurPage(frame: CallingFrame, page: URL): boolean {
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
