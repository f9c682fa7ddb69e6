// Hands the replica store of the current host and identity to the DAO screens. A new host or identity (a
// different peer id or address in the node's status) gets a store of its own; the old one is closed.
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useBridgeClient } from '../bridge/bridge-context.tsx';
import { useNodeStatus } from '../status/node-status-context.tsx';
import { ReplicaStore } from './replica-store.ts';

const ReplicaStoreContext = createContext<ReplicaStore | null>(null);

export function ReplicaStoreProvider({ children }: { children: ReactNode }) {
  const { bridge, connection } = useBridgeClient();
  const { status } = useNodeStatus();
  const peerId = status?.peerId ?? null;
  const address = status?.address ?? null;
  const store = useMemo(
    () => (peerId !== null && address !== null ? new ReplicaStore(bridge, connection, { peerId, address }) : null),
    [bridge, connection, peerId, address],
  );
  useEffect(() => store?.start(), [store]);
  return <ReplicaStoreContext value={store}>{children}</ReplicaStoreContext>;
}

const noStore = {
  subscribe: () => () => {},
  getVersion: () => 0,
};

/** The store (null before the node's status names a host and an identity); re-renders on any replica's change. */
export function useReplicaStore(): ReplicaStore | null {
  const store = useContext(ReplicaStoreContext);
  const source = store ?? noStore;
  useSyncExternalStore(source.subscribe, source.getVersion);
  return store;
}
