// One DAO as the UI's own replica folds it (local-replica.ts): shown from IndexedDB at once, then kept in step
// with the host. The view is derived with the same core functions the host answers dao.get with.
import { useCallback, useEffect } from 'react';
import type { DaoView } from '../../core/bridge/api.ts';
import { hiddenWhileShowing } from './replica-error.ts';
import { useReplicaStore } from './replica-context.tsx';

export interface DaoQuery {
  data: DaoView | null;
  /** Why the host could not be asked (not shown while there is local data and the host is merely out of reach). */
  error: unknown;
  /** A sync with the host or a fold is on its way: a record just written may not be in `data` yet. */
  syncing: boolean;
  /** How many ignored records the DAO keeps: `data.evidence` lists the first of them only. */
  evidenceTotal: number;
  /** Where the replica's fold runs, and how many records it took from its snapshot (for diagnosis). */
  fold: { in: 'worker' | 'page'; restored: number } | null;
  /** Derives the view again (a deadline went by) and asks the host for anything new. */
  refresh: () => void;
}

export function useDao(dao: string): DaoQuery {
  const store = useReplicaStore();
  useEffect(() => {
    store?.open(dao);
  }, [store, dao]);
  const replica = store?.peek(dao) ?? null;
  // The store re-renders on every change of the replica's views (useReplicaStore).
  const data = replica?.view ?? null;

  const refresh = useCallback(() => {
    replica?.refreshViews();
    void replica?.sync();
  }, [replica]);

  return {
    data,
    error: hiddenWhileShowing(replica?.error ?? null, data),
    syncing: (replica?.syncing ?? true) || (replica?.folding ?? false),
    evidenceTotal: replica?.evidenceTotal ?? 0,
    fold: replica ? { in: replica.foldsIn, restored: replica.restored } : null,
    refresh,
  };
}
