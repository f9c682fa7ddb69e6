// The node's status, shared by the gate (which screen to show) and the home screen (what to show on it).
// Fetched whenever the connection (re)opens, since events sent while disconnected are lost, and kept
// current by the host's node.status events.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { NodeStatus } from '../../core/bridge/api.ts';
import { useBridge, useConnectionState } from '../bridge/bridge-context.tsx';

export interface NodeStatusValue {
  status: NodeStatus | null;
  /** The last failure to fetch the status; cleared by the next success. */
  error: unknown;
  refresh: () => Promise<void>;
}

const NodeStatusContext = createContext<NodeStatusValue | null>(null);

export function NodeStatusProvider({ children }: { children: ReactNode }) {
  const bridge = useBridge();
  const connection = useConnectionState();
  const [status, setStatus] = useState<NodeStatus | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    try {
      setStatus(await bridge.call('node.status', {}));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [bridge]);

  useEffect(
    () =>
      bridge.on('node.status', (next) => {
        setStatus(next);
        setError(null);
      }),
    [bridge],
  );

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
