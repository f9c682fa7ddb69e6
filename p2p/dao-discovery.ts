// Finds a DAO's other nodes beyond the LAN (DESIGN.md §5). Every node that follows a DAO announces itself on
// the DAOmesh DHT as a provider of the DAO's rendezvous key, and looks the others up there; it dials what it
// finds, and catch-up starts on the new connection (dao-sync.ts) once the peer proves to be one of the DAO's
// nodes. mDNS, bootstrap peers, peer exchange in sessions and remembered peers do the same job nearer by.
//
// The key is a hash of the DAO id: whoever knows the id can see which peers follow the DAO (their peer ids
// and addresses), never what the DAO holds, which travels sealed or in authorised sessions only.
import type { PeerId } from '@libp2p/interface';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { maxDaoPeers, type MeshNode } from './mesh-node.ts';

/** How often a followed DAO is announced and looked up again (the DHT also re-announces on its own). */
const defaultIntervalMs = 5 * 60_000;
/** A lookup that has not finished by then is given up until the next round. */
const lookupTimeoutMs = 30_000;
/** Providers of a DAO's key read per round: a small DAO has a dozen nodes, and the key is anyone's to announce. */
const maxProvidersRead = 1024;

/** The DHT key under which a DAO's nodes announce themselves. */
export async function daoRendezvous(dao: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`daomesh/dao-rendezvous/1/${dao}`)));
}

export type DaoDiscoveryOptions = {
  intervalMs?: number;
  log?: (line: string) => void;
};

export type DiscoveryRound = {
  dao: string;
  /** Whether the announcement reached the DHT (it fails while this node knows no DHT peer). */
  announced: boolean;
  /** Providers found, other than this node. */
  found: string[];
  /** Of those, the ones we were not connected to and dialled. */
  dialled: string[];
};

export class DaoDiscovery {
  readonly #node: MeshNode;
  readonly #options: DaoDiscoveryOptions;
  readonly #daos = new Map<string, Promise<DiscoveryRound> | null>();
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Set while no round has reached a DHT peer: the next identified peer runs a round for every DAO. */
  #alone = true;
  #roundPending = false;

  constructor(node: MeshNode, options: DaoDiscoveryOptions = {}) {
    this.#node = node;
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => this.#roundAll(), this.#options.intervalMs ?? defaultIntervalMs);
    this.#timer.unref?.();
    this.#node.addEventListener('peer:identify', this.#onIdentify);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#node.removeEventListener('peer:identify', this.#onIdentify);
    this.#controller.abort();
    await Promise.allSettled([...this.#daos.values()].filter((round) => round !== null));
  }

  /** Announces this node for a DAO and looks up the DAO's other nodes, now and every interval. */
  follow(dao: string): void {
    if (this.#daos.has(dao)) return;
    this.#daos.set(dao, null);
    void this.findNow(dao);
  }

  unfollow(dao: string): void {
    this.#daos.delete(dao);
    void daoRendezvous(dao).then((key) => this.#node.contentRouting.cancelReprovide(key).catch(() => {}));
  }

  /** One round for a DAO: announce, look up, dial the providers we are not connected to. Never throws. */
  findNow(dao: string): Promise<DiscoveryRound> {
    const running = this.#daos.get(dao);
    if (running) return running;
    const round = this.#round(dao).finally(() => {
      if (this.#daos.get(dao) === round) this.#daos.set(dao, null);
    });
    if (this.#daos.has(dao)) this.#daos.set(dao, round);
    return round;
  }

  async #round(dao: string): Promise<DiscoveryRound> {
    const result: DiscoveryRound = { dao, announced: false, found: [], dialled: [] };
    const key = await daoRendezvous(dao);
    const signal = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(lookupTimeoutMs)]);
    try {
      await this.#node.contentRouting.provide(key, { signal });
      result.announced = true;
    } catch (error) {
      this.#options.log?.(`could not announce ${dao} on the DHT: ${describe(error)}`);
    }
    const self = this.#node.peerId;
    const dials: Promise<unknown>[] = [];
    let connected = 0;
    const seen = new Set<string>();
    try {
      for await (const provider of this.#node.contentRouting.findProviders(key, { signal })) {
        const id = provider.id.toString();
        if (provider.id.equals(self) || seen.has(id)) continue;
        // Anyone may announce any key: a flood of made-up providers is read no further than this.
        if (seen.size >= maxProvidersRead) break;
        seen.add(id);
        result.found.push(id);
        if (this.#node.getConnections(provider.id).length > 0) {
          connected++;
          continue;
        }
        // Enough of the DAO's nodes to sync and gossip through; a large DAO need not be a full mesh.
        if (connected + result.dialled.length >= maxDaoPeers) continue;
        result.dialled.push(provider.id.toString());
        dials.push(this.#dial(dao, provider.id, provider.multiaddrs.length > 0 ? provider.multiaddrs : null));
      }
    } catch (error) {
      if (!this.#controller.signal.aborted) this.#options.log?.(`could not look up ${dao} on the DHT: ${describe(error)}`);
    }
    await Promise.allSettled(dials);
    this.#alone = !(result.announced && this.#routingPeers() > 0);
    return result;
  }

  async #dial(dao: string, peer: PeerId, addrs: Parameters<MeshNode['dial']>[0] | null): Promise<void> {
    try {
      await this.#node.dial(addrs ?? peer, { signal: AbortSignal.any([this.#controller.signal, AbortSignal.timeout(15_000)]) });
    } catch (error) {
      this.#options.log?.(`could not reach ${peer.toString()} of ${dao}: ${describe(error)}`);
    }
  }

  #routingPeers(): number {
    const dht = this.#node.services.dht as { routingTable?: { size?: number } };
    return dht.routingTable?.size ?? 0;
  }

  #roundAll(): void {
    for (const dao of this.#daos.keys()) void this.findNow(dao);
  }

  // The first DHT peer met after a lonely start (bootstrap, mDNS, a relay) is the moment announcing pays off.
  readonly #onIdentify = (): void => {
    if (!this.#alone || this.#roundPending) return;
    this.#roundPending = true;
    // Give the DHT a moment to add the peer to its routing table.
    setTimeout(() => {
      this.#roundPending = false;
      if (!this.#controller.signal.aborted) this.#roundAll();
    }, 500).unref?.();
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
