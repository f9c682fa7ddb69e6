// Picks the transport at start-up: the Electron preload when it is there, a WebSocket to the host otherwise.
// Screens only ever see the resulting Bridge and its connection state; they cannot tell the two apart.
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
}

export function connectBridge(): BridgeClient {
  const preload = findPreload();
  if (preload) {
    return {
      bridge: createValidatedBridge(createElectronTransport(preload)),
      connection: createConnectionStore('open'),
      secretProblem: () => null,
    };
  }

  reloadOnNewSecret();
  const secret = takeWebSecret();
  if (secret === null) {
    const connection = createConnectionStore('unauthorized');
    const transport = { call: () => Promise.reject(unauthorizedError()), on: () => () => {} };
    return { bridge: createValidatedBridge(transport), connection, secretProblem: () => 'missing' };
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
  };
}
