// A few values by byte-string keys, the newest first. For lookups that repeat a handful of keys in turn (a
// DAO's writers, envelope after envelope), where comparing a key's bytes costs less than naming it as a string
// for a Map. The caller keeps a Map behind it for the rest.

export class RecentByBytes<T> {
  readonly #entries: Array<{ key: Uint8Array; value: T }> = [];
  readonly #size: number;

  constructor(size = 8) {
    this.#size = size;
  }

  get(key: Uint8Array): T | undefined {
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!equalBytes(entry.key, key)) continue;
      if (i > 0) {
        entries.copyWithin(1, 0, i);
        entries[0] = entry;
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
