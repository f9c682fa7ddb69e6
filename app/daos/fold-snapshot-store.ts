// Where a UI replica's fold keeps its snapshot (DaoLedger.exportFold's bytes): IndexedDB, beside the replica's
// document, in a database of its own so the document's (stored-updates.ts) holds nothing else. Read and written
// from the fold worker.
import { createStore, del, get, set } from 'idb-keyval';
import type { FoldSnapshotStore } from './replica-fold.ts';

const key = 'fold';

/** The snapshot store of the replica kept in IndexedDB database `replicaDatabase`. */
export function indexedDbSnapshotStore(replicaDatabase: string): FoldSnapshotStore {
  const store = createStore(`${replicaDatabase}:fold`, 'snapshots');
  return {
    async load() {
      const value: unknown = await get(key, store);
      return value instanceof Uint8Array ? value : null;
    },
    save: (bytes) => set(key, bytes, store),
    clear: () => del(key, store),
  };
}
