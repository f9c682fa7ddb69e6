// A few values by byte-string keys: a new one goes in front, one asked for moves a step forward, and the one at
// the back goes when the cache is full. For lookups that repeat a handful of keys in turn (a
// DAO's writers, envelope after envelope), where comparing a key's bytes costs less than naming it as a string
// for a Map. The caller keeps a Map behind it for the rest.

/**
 * As many keys as the writers of a DAO at its default cap take turns with: 15 members, each on two devices. A
 * cache of 8 missed at every envelope of a DAO of 12 members on 15 devices, for the verifier's key objects,
 * the Yjs clients of a key and the authors' addresses alike (~2.7 µs a record of ~21 µs of JS, measured).
 */
export const recentKeys = 32;

export class RecentByBytes<T> {
  readonly #entries: Array<{ key: Uint8Array; value: T }> = [];
  readonly #size: number;

  constructor(size = recentKeys) {
    this.#size = size;
  }

  get(key: Uint8Array): T | undefined {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!equalBytes(entry.key, key)) continue;
      // One step towards the front (rather than to it): a key asked for often stays clear of eviction at the
      // back, at the cost of a swap, where moving it to the front shifted every entry before it.
      if (i > 0) {
        entries[i] = entries[i - 1]!;
        entries[i - 1] = entry;
      }
      return entry.value;
    }
    return undefined;
  }

  /** Keeps a copy of `key`, so the caller's bytes may change or go. */
  set(key: Uint8Array, value: T): void {
    if (this.#entries.length >= this.#size) this.#entries.pop();
    this.#entries.unshift({ key: Uint8Array.from(key), value });
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
