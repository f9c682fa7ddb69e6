// The DAO peers this node has met, with the addresses they listen on, so that after a restart it can dial
// them again without mDNS or a bootstrap list (a laptop back on the same network finds its DAOs at once).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './data-dir.ts';

const peersFile = 'known-peers.json';
const keptPeers = 64;

const KnownPeer = z.object({ peerId: z.string().max(128), addrs: z.array(z.string().max(300)).max(8), seenAt: z.number() });
export type KnownPeer = z.infer<typeof KnownPeer>;

export class KnownPeers {
  readonly #path: string;
  #peers: KnownPeer[];
  #saving: Promise<void> = Promise.resolve();

  private constructor(path: string, peers: KnownPeer[]) {
    this.#path = path;
    this.#peers = peers;
  }

  static async open(dataDir: string): Promise<KnownPeers> {
    const path = join(dataDir, peersFile);
    const text = await readFile(path, 'utf8').catch(() => null);
    let peers: KnownPeer[] = [];
    try {
      if (text !== null) peers = z.array(KnownPeer).parse(JSON.parse(text));
    } catch {
      peers = []; // a damaged list only costs a slower reconnect
    }
    return new KnownPeers(path, peers);
  }

  list(): KnownPeer[] {
    return this.#peers;
  }

  /** Notes a peer's addresses; saved when they changed (the newest 64 peers are kept). */
  remember(peerId: string, addrs: readonly string[], now: number): void {
    const kept = addrs.slice(0, 8);
    if (kept.length === 0) return;
    const known = this.#peers.find((peer) => peer.peerId === peerId);
    if (known && known.addrs.join() === kept.join() && now - known.seenAt < 3_600_000) return;
    this.#peers = [{ peerId, addrs: kept, seenAt: now }, ...this.#peers.filter((peer) => peer.peerId !== peerId)].slice(0, keptPeers);
    const snapshot = JSON.stringify(this.#peers);
    this.#saving = this.#saving.then(() => writeFileAtomic(this.#path, snapshot)).catch(() => {});
  }

  flushed(): Promise<void> {
    return this.#saving;
  }
}
