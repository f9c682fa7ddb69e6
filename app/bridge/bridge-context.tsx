// Hands the one BridgeClient made at start-up to every screen.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { Bridge } from '../../core/bridge/api.ts';
import type { BridgeClient } from './connect-bridge.ts';
import type { ConnectionState } from './connection-state.ts';

const BridgeClientContext = createContext<BridgeClient | null>(null);

export function BridgeProvider({ client, children }: { client: BridgeClient; children: ReactNode }) {
  return <BridgeClientContext value={client}>{children}</BridgeClientContext>;
}

export function useBridgeClient(): BridgeClient {
  const client = useContext(BridgeClientContext);
  if (!client) throw new Error('useBridgeClient needs a BridgeProvider above it');
  return client;
}

export function useBridge(): Bridge {
  return useBridgeClient().bridge;
}

export function useConnectionState(): ConnectionState {
  const { connection } = useBridgeClient();
  return useSyncExternalStore(connection.subscribe, connection.get);
}
