// The DAOs this node holds, refreshed whenever any of them changes.
import { useCallback } from 'react';
import type { DaoSummary } from '../../core/bridge/api.ts';
import { useBridge } from '../bridge/bridge-context.tsx';
import { useLiveQuery, type LiveQuery } from '../bridge/use-live-query.ts';

export function useDaoList(): LiveQuery<DaoSummary[]> {
  const bridge = useBridge();
  const load = useCallback(() => bridge.call('dao.list', {}), [bridge]);
  const subscribe = useCallback((onChange: () => void) => bridge.on('dao.changed', onChange), [bridge]);
  return useLiveQuery(load, subscribe);
}
