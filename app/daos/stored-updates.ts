// Where a UI replica keeps its document in IndexedDB: the host's Yjs updates as they came, in order, folded into
// one now and then. The layout is y-indexeddb's (an object store `updates` of Uint8Array values under rising
// integer keys), so databases it wrote open as they were. Unlike y-indexeddb, nothing listens to the document's
// changes: its 'update' event makes Yjs encode every applied update again, ~0.5 s of the page's main thread
// for a DAO of 100k records on each open, while the host's bytes are at hand. The replica's document only
// ever changes by the host's updates (typing goes to the host, text-binding.ts), so those are all there is to keep.
import { createStore, entries, promisifyRequest, type UseStore } from 'idb-keyval';

// Two tabs of one host and member keep one database: each key is taken in the transaction that writes it, after
// the highest key there (IndexedDB runs read-write transactions on a store one at a time, across tabs), never
// from what this tab read earlier, which would overwrite the other tab's updates, or a compaction.
const storedKeys = IDBKeyRange.upperBound(Number.MAX_SAFE_INTEGER, true);

export class StoredUpdates {
  readonly #store: UseStore;
  /** The keys of the updates this replica holds: those it read, and those it wrote. */
  #keys: number[] = [];
  #appending = 0;
  #compacting = false;
  /** Why the stored updates could not be read: then nothing is written either, lest it take a key in use. */
  #unreadable: unknown = null;
  /** Writes, one after the other: a compaction must not delete an update appended after its state. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(databaseName: string) {
    this.#store = createStore(databaseName, 'updates');
  }

  /** True when more than `limit` updates are stored or on their way, and no compaction is on its way. */
  compactionDue(limit: number): boolean {
    return !this.#compacting && this.#keys.length + this.#appending > limit;
  }

  /**
   * The stored updates in the order they were stored; whatever is not bytes is passed over. Call it once, first:
   * writes wait for it, since the keys they take follow those it finds.
   */
  load(): Promise<Uint8Array[]> {
    const loaded = this.#read();
    this.#writes = loaded.catch((error: unknown) => {
      this.#unreadable = error ?? new Error('IndexedDB failed');
    });
    return loaded;
  }

  async #read(): Promise<Uint8Array[]> {
    const stored = await entries<IDBValidKey, unknown>(this.#store);
    const updates: Uint8Array[] = [];
    for (const [key, value] of stored) {
      if (typeof key !== 'number') continue;
      this.#keys.push(key);
      if (value instanceof Uint8Array) updates.push(value);
    }
    return updates;
  }

  /** Keeps one more update after those stored. */
  append(update: Uint8Array): Promise<void> {
    this.#appending++;
    return this.#queue(async () => {
      this.#appending--;
      this.#keys.push(await this.#putAfterLast(update));
    });
  }

  /** Replaces every update stored so far by `state`, which holds them all (Y.encodeStateAsUpdate of the doc). */
  compact(state: Uint8Array): Promise<void> {
    this.#compacting = true;
    return this.#queue(async () => {
      this.#compacting = false;
      // Only the updates this replica holds are in `state`: another tab's stay.
      const replaced = this.#keys;
      this.#keys = [await this.#putAfterLast(state, replaced)];
    });
  }

  /** Stores `update` under the next key, deleting `replaced` in the same transaction; resolves to its key. */
  #putAfterLast(update: Uint8Array, replaced: readonly number[] = []): Promise<number> {
    return this.#store('readwrite', (store) => {
      let key = 0;
      const last = store.openKeyCursor(storedKeys, 'prev');
      last.onsuccess = () => {
        const highest = last.result?.key;
        key = typeof highest === 'number' ? Math.max(0, Math.floor(highest) + 1) : 0;
        store.put(update, key);
        for (const old of replaced) store.delete(old);
      };
      return promisifyRequest(store.transaction).then(() => key);
    });
  }

  #queue(write: () => Promise<void>): Promise<void> {
    const done = this.#writes.then(() => {
      if (this.#unreadable !== null) throw this.#unreadable;
      return write();
    });
    this.#writes = done.catch(() => {});
    return done;
  }
}
