// One DAO as the UI's own replica folds it (local-replica.ts): shown from IndexedDB at once, then kept in step
// with the host. The view is derived with the same core functions the host answers dao.get with.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DaoView } from '../../core/bridge/api.ts';
import { daoView } from '../../core/bridge/dao-view.ts';
import { useNodeStatus } from '../status/node-status-context.tsx';
import { hiddenWhileShowing } from './replica-error.ts';
import { useReplicaStore } from './replica-context.tsx';

export interface DaoQuery {
  data: DaoView | null;
  /** Why the host could not be asked (not shown while there is local data and the host is merely out of reach). */
  error: unknown;
  /** A sync with the host is on its way: a record just written may not be in `data` yet. */
  syncing: boolean;
  /** Derives the view again (a deadline went by) and asks the host for anything new. */
  refresh: () => void;
}

export function useDao(dao: string): DaoQuery {
  const store = useReplicaStore();
  const me = useNodeStatus().status?.address ?? null;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    store?.open(dao);
  }, [store, dao]);
  const replica = store?.peek(dao) ?? null;
  const version = replica?.version ?? -1;

  const data = useMemo(() => {
    const now = Date.now();
    const state = replica?.state(now) ?? null;
    return state ? daoView(state, me, now) : null;
    // `version` and `tick` stand for what the replica and the clock do not tell React by themselves.
  }, [replica, version, me, tick]);

  const refresh = useCallback(() => {
    setTick((current) => current + 1);
    void replica?.sync();
  }, [replica]);

  return { data, error: hiddenWhileShowing(replica?.error ?? null, data), syncing: replica?.syncing ?? true, refresh };
}
