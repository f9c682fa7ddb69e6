// How one DAO syncs with its other nodes, as the host reports it: asked with dao.peers when the connection
// (re)opens, then kept current by dao.syncStatus pushes. Who is online also changes when a record arrives
// (a device delegation names a member's node, a member is added or removed) without any sync event, so a
// dao.changed for this DAO asks again. Answers and pushes travel one ordered channel, so the last to arrive
// is the newest.
import { useEffect, useState } from 'react';
import type { DaoSyncStatus } from '../../core/bridge/api.ts';
import { useBridge, useConnectionState } from '../bridge/bridge-context.tsx';

export interface DaoSyncQuery {
  status: DaoSyncStatus | null;
  /** The last failure to ask (DAO_NOT_FOUND while the host does not hold the DAO); cleared by the next answer. */
  error: unknown;
}

interface Known extends DaoSyncQuery {
  dao: string;
}

export function useDaoSyncStatus(dao: string): DaoSyncQuery {
  const bridge = useBridge();
  const connection = useConnectionState();
  const [known, setKnown] = useState<Known>({ dao, status: null, error: null });

  useEffect(() => {
    if (connection !== 'open') return;
    let stopped = false;
    let asking = false;
    let again = false;
    const ask = async (): Promise<void> => {
      if (asking) {
        again = true;
        return;
      }
      asking = true;
      do {
        again = false;
        try {
          const status = await bridge.call('dao.peers', { dao });
          if (!stopped) setKnown({ dao, status, error: null });
        } catch (error) {
          if (!stopped) setKnown((current) => ({ dao, status: current.dao === dao ? current.status : null, error }));
        }
      } while (again && !stopped);
      asking = false;
    };
    const offStatus = bridge.on('dao.syncStatus', (status) => {
      if (status.dao === dao && !stopped) setKnown({ dao, status, error: null });
    });
    const offChanged = bridge.on('dao.changed', (changed) => {
      if (changed.dao === dao) void ask();
    });
    void ask();
    return () => {
      stopped = true;
      offStatus();
      offChanged();
    };
  }, [bridge, connection, dao]);

  return known.dao === dao ? { status: known.status, error: known.error } : { status: null, error: null };
}
