// Data the host owns, kept current: fetched when the connection (re)opens (events sent while disconnected
// are lost), fetched again whenever `subscribe` reports a change, and answers that arrive out of order
// are dropped. Callers memoize `load` and `subscribe`; a new `load` (say, another DAO) starts afresh.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConnectionState } from './bridge-context.tsx';

export interface LiveQuery<T> {
  data: T | null;
  /** The last failure to fetch; cleared by the next success. */
  error: unknown;
  refresh: () => Promise<void>;
}

interface Loaded<T> {
  load: () => Promise<T>;
  data: T | null;
  error: unknown;
}

export function useLiveQuery<T>(load: () => Promise<T>, subscribe: (onChange: () => void) => () => void): LiveQuery<T> {
  const connection = useConnectionState();
  const [loaded, setLoaded] = useState<Loaded<T>>({ load, data: null, error: null });
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const data = await load();
      if (ticket === latest.current) setLoaded({ load, data, error: null });
    } catch (error) {
      if (ticket === latest.current) setLoaded((current) => ({ load, data: current.load === load ? current.data : null, error }));
    }
  }, [load]);

  useEffect(() => subscribe(() => void refresh()), [subscribe, refresh]);

  useEffect(() => {
    if (connection === 'open') void refresh();
  }, [connection, refresh]);

  const current = loaded.load === load;
  return { data: current ? loaded.data : null, error: current ? loaded.error : null, refresh };
}
