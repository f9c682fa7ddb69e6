// The datastore a node's libp2p keeps in memory (its peer store, the DHT's records), with the DHT's provider
// records bounded. Any peer that connects may tell a node it provides any number of keys, and each such record
// was kept for a day: a stranger sent 200,000 in a minute and the node's heap grew by 76 MiB. Now one peer
// keeps at most `perPeer` of them here, and all peers together `total`, the oldest going first.
import { MemoryDatastore } from 'datastore-core';
import { Key } from 'interface-datastore';

type AbortOptions = Parameters<MemoryDatastore['put']>[2];

/** The provider's peer id of a DHT provider record's key (`<prefix>/provider/<key>/<peer id>`), else null. */
function providerOf(key: Key): string | null {
  const parts = key.toString().split('/');
  return parts.length >= 4 && parts[parts.length - 3] === 'provider' ? parts[parts.length - 1]! : null;
}

export class BoundedDatastore extends MemoryDatastore {
  readonly #perPeer: number;
  readonly #total: number;
  /** Provider record keys held, oldest first, with their provider. */
  readonly #providers = new Map<string, string>();
  readonly #countByPeer = new Map<string, number>();

  constructor(limits: { perPeer: number; total: number } = { perPeer: 256, total: 16_384 }) {
    super();
    this.#perPeer = limits.perPeer;
    this.#total = limits.total;
  }

  /** How many provider records are held (for tests and diagnosis). */
  get providerRecords(): number {
    return this.#providers.size;
  }

  override put(key: Key, value: Uint8Array, options?: AbortOptions): Key | Promise<Key> {
    const provider = providerOf(key);
    const name = key.toString();
    if (provider !== null && !this.#providers.has(name)) {
      // Past its share the record is dropped without a word: the DHT answers a put with nothing anyway.
      if ((this.#countByPeer.get(provider) ?? 0) >= this.#perPeer) return key;
      while (this.#providers.size >= this.#total) this.#forget(this.#providers.keys().next().value!);
      this.#providers.set(name, provider);
      this.#countByPeer.set(provider, (this.#countByPeer.get(provider) ?? 0) + 1);
    }
    return super.put(key, value, options);
  }

  override delete(key: Key, options?: AbortOptions): void | Promise<void> {
    this.#unlist(key.toString());
    return super.delete(key, options);
  }

  #forget(name: string): void {
    this.#unlist(name);
    void super.delete(new Key(name));
  }

  #unlist(name: string): void {
    const provider = this.#providers.get(name);
    if (provider === undefined) return;
    this.#providers.delete(name);
    const count = (this.#countByPeer.get(provider) ?? 1) - 1;
    if (count > 0) this.#countByPeer.set(provider, count);
    else this.#countByPeer.delete(provider);
  }
}
