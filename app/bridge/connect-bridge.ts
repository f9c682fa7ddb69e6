// Picks the transport at start-up: the Electron preload when it is there, a WebSocket to the host otherwise.
// Screens only ever see the resulting Bridge and its connection state; they cannot tell the two apart.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Bridge } from '../../core/bridge/api.ts';
import { unauthorizedError } from './bridge-error.ts';
import { createConnectionStore, type ConnectionMonitor } from './connection-state.ts';
import { createElectronTransport } from './electron-transport.ts';
import { findPreload } from './preload-api.ts';
import { createValidatedBridge } from './validated-bridge.ts';
import { forgetWebSecret, reloadOnNewSecret, takeWebSecret } from './web-secret.ts';
import { createWebSocketTransport } from './websocket-transport.ts';

export interface BridgeClient {
  bridge: Bridge;
  connection: ConnectionMonitor;
  /** Why the connection is 'unauthorized': no secret reached this page, or the host refused it. */
  secretProblem: () => 'missing' | 'refused' | null;
  /**
   * Names the host this page talks to, for what the page keeps of it locally (its last status): in web mode
   * a hash of the data directory's secret (never the secret itself), in the desktop app the app's own host.
   */
  hostKey: string;
}

/** Enough of the secret's hash to tell hosts apart; the secret cannot be recovered from it. */
function webHostKey(secret: string): string {
  return `web-${bytesToHex(sha256(utf8ToBytes(secret))).slice(0, 32)}`;
}

export function connectBridge(): BridgeClient {
  const preload = findPreload();
  if (preload) {
    return {
      bridge: createValidatedBridge(createElectronTransport(preload)),
      connection: createConnectionStore('open'),
      secretProblem: () => null,
      hostKey: 'desktop',
    };
  }

  reloadOnNewSecret();
  const secret = takeWebSecret();
  if (secret === null) {
    const connection = createConnectionStore('unauthorized');
    const transport = { call: () => Promise.reject(unauthorizedError()), on: () => () => {} };
    return { bridge: createValidatedBridge(transport), connection, secretProblem: () => 'missing', hostKey: 'web-none' };
  }

  const url = new URL('/api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = createWebSocketTransport({
    url: url.href,
    secret,
    isHostUp: () =>
      fetch(new URL('./', window.location.href), { method: 'HEAD', cache: 'no-store' }).then(
        () => true,
        () => false,
      ),
  });
  transport.connection.subscribe(() => {
    if (transport.connection.get() === 'unauthorized') forgetWebSecret();
  });
  return {
    bridge: createValidatedBridge(transport),
    connection: transport.connection,
    secretProblem: () => (transport.connection.get() === 'unauthorized' ? 'refused' : null),
    hostKey: webHostKey(secret),
  };
}
