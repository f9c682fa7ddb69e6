// Whether the UI can currently reach the host. The Electron transport is always 'open';
// the WebSocket transport moves between the three as the socket drops and reconnects.
export type ConnectionState = 'connecting' | 'open' | 'unauthorized';

export interface ConnectionMonitor {
  get(): ConnectionState;
  /** Shaped for React's useSyncExternalStore. */
  subscribe(listener: () => void): () => void;
}

export interface ConnectionStore extends ConnectionMonitor {
  set(state: ConnectionState): void;
}

export function createConnectionStore(initial: ConnectionState): ConnectionStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
