// The node's status, shared by the gate (which screen to show) and the home screen (what to show on it).
// Fetched whenever the connection (re)opens, since events sent while disconnected are lost, and kept
// current by the host's node.status events. Until the host first answers, the status it last gave this page
// stands in for it (remembered-status.ts), so the app and its local replicas open at once, offline too.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { NodeStatus } from '../../core/bridge/api.ts';
import { useBridge, useBridgeClient, useConnectionState } from '../bridge/bridge-context.tsx';
import { recallStatus, rememberStatus } from './remembered-status.ts';

export interface NodeStatusValue {
  status: NodeStatus | null;
  /** The last failure to fetch the status; cleared by the next success. */
  error: unknown;
  refresh: () => Promise<void>;
}

const NodeStatusContext = createContext<NodeStatusValue | null>(null);

export function NodeStatusProvider({ children }: { children: ReactNode }) {
  const bridge = useBridge();
  const { hostKey } = useBridgeClient();
  const connection = useConnectionState();
  const [status, setStatus] = useState<NodeStatus | null>(() => recallStatus(hostKey));
  const [error, setError] = useState<unknown>(null);

  const take = useCallback(
    (next: NodeStatus) => {
      setStatus(next);
      setError(null);
      rememberStatus(hostKey, next);
    },
    [hostKey],
  );

  const refresh = useCallback(async () => {
    try {
      take(await bridge.call('node.status', {}));
    } catch (failure) {
      setError(failure);
    }
  }, [bridge, take]);

  useEffect(() => bridge.on('node.status', take), [bridge, take]);

  useEffect(() => {
    if (connection === 'open') void refresh();
  }, [connection, refresh]);

  return <NodeStatusContext value={{ status, error, refresh }}>{children}</NodeStatusContext>;
}

export function useNodeStatus(): NodeStatusValue {
  const value = useContext(NodeStatusContext);
  if (!value) throw new Error('useNodeStatus needs a NodeStatusProvider above it');
  return value;
}
