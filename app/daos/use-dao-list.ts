// The DAOs this node holds. Which DAOs there are is the host's word (dao.list, kept locally for the next
// start); what each looks like comes from the UI's own replica of it, so the list opens from IndexedDB before
// the host answers, and shows the host's summary only for a DAO whose replica has nothing yet.
import { useCallback, useEffect, useMemo } from 'react';
import type { DaoSummary } from '../../core/bridge/api.ts';
import { useBridge } from '../bridge/bridge-context.tsx';
import { useLiveQuery } from '../bridge/use-live-query.ts';
import { hiddenWhileShowing } from './replica-error.ts';
import { useReplicaStore } from './replica-context.tsx';

export interface DaoListQuery {
  data: DaoSummary[] | null;
  error: unknown;
}

export function useDaoList(): DaoListQuery {
  const bridge = useBridge();
  const store = useReplicaStore();
  const load = useCallback(() => bridge.call('dao.list', {}), [bridge]);
  const subscribe = useCallback((onChange: () => void) => bridge.on('dao.changed', onChange), [bridge]);
  const host = useLiveQuery(load, subscribe);

  useEffect(() => {
    if (store && host.data) store.rememberDaos(host.data.map((dao) => dao.id));
  }, [store, host.data]);

  const ids = useMemo(() => host.data?.map((dao) => dao.id) ?? store?.knownDaos() ?? null, [host.data, store]);
  useEffect(() => {
    for (const id of ids ?? []) store?.open(id);
  }, [store, ids]);

  const version = store?.getVersion() ?? -1;
  const data = useMemo(() => {
    if (ids === null) return null;
    const summaries: DaoSummary[] = [];
    for (const id of ids) {
      const summary = store?.peek(id)?.summary ?? host.data?.find((dao) => dao.id === id);
      if (summary) summaries.push(summary);
    }
    return summaries.sort((a, b) => a.name.localeCompare(b.name));
    // `version` stands for the replicas' changes, which React does not see by itself.
  }, [ids, store, host.data, version]);

  return { data, error: hiddenWhileShowing(host.error, data) };
}
