// One DAO's state as the host folds it, refreshed whenever a record changes it.
import { useCallback } from 'react';
import type { DaoView } from '../../core/bridge/api.ts';
import { useBridge } from '../bridge/bridge-context.tsx';
import { useLiveQuery, type LiveQuery } from '../bridge/use-live-query.ts';

export function useDao(dao: string): LiveQuery<DaoView> {
  const bridge = useBridge();
  const load = useCallback(() => bridge.call('dao.get', { dao }), [bridge, dao]);
  const subscribe = useCallback(
    (onChange: () => void) =>
      bridge.on('dao.changed', (changed) => {
        if (changed.dao === dao) onChange();
      }),
    [bridge, dao],
  );
  return useLiveQuery(load, subscribe);
}
