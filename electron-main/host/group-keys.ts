// The DAO group keys this host holds for sealing gossip (p2p/gossip-cipher.ts), by membership epoch.
//
// An epoch is the set of current members (its id: a hash of the DAO id and the sorted addresses), so it changes
// whenever someone joins or leaves. A member's node that finds no key for the current epoch makes one; keys
// travel only in catch-up sessions with the DAO's nodes (over Noise, after the peer is authorised), so a
// removed member's node never receives a key made after its removal. When two nodes make a key for the same
// epoch at once, everyone ends up sealing with the same one: the candidate with the smallest id wins, and all
// candidates stay usable for opening. Kept in the data directory so gossip survives a restart.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import type { SharedKey } from '../../core/sync/sync-messages.ts';
import { groupKeyId, type GroupKey } from '../../p2p/gossip-cipher.ts';
import type { DaoReplica } from './dao-replica.ts';
import { writeFileAtomic } from './data-dir.ts';

const keysFile = 'group-keys.json';
/** Epochs kept per DAO (older ones only open old gossip, which catch-up also carries). */
const keptEpochs = 8;
const candidatesPerEpoch = 8;

const Stored = z.record(z.string(), z.array(z.object({ epoch: z.string().regex(/^[0-9a-f]{32}$/), keys: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(candidatesPerEpoch) })));

type Epoch = { epoch: string; keys: Uint8Array[] };

export class GroupKeys {
  readonly #path: string;
  /** dao → epochs, newest last. */
  readonly #daos = new Map<string, Epoch[]>();
  #saving: Promise<void> = Promise.resolve();

  private constructor(path: string) {
    this.#path = path;
  }

  static async open(dataDir: string): Promise<GroupKeys> {
    const keys = new GroupKeys(join(dataDir, keysFile));
    const text = await readFile(keys.#path, 'utf8').catch(() => null);
    if (text !== null) {
      try {
        for (const [dao, epochs] of Object.entries(Stored.parse(JSON.parse(text)))) {
          keys.#daos.set(dao, epochs.map((entry) => ({ epoch: entry.epoch, keys: entry.keys.map((key) => hexToBytes(key)) })));
        }
      } catch {
        // A damaged file: keys come back from the DAO's other nodes at the next catch-up.
      }
    }
    return keys;
  }

  /** The current membership epoch of a DAO, or null before its genesis arrived. */
  static epochOf(replica: DaoReplica): string | null {
    let members: string[];
    try {
      members = [...replica.ledger.governanceState().members.keys()].sort();
    } catch {
      return null;
    }
    return bytesToHex(sha256(utf8ToBytes(`daomesh-group-epoch-v1\0${replica.id}\0${members.join(',')}`)).subarray(0, 16));
  }

  /**
   * The key to seal with now. `mayMint`: this host's member is a current member, so it may make the epoch's
   * key when it has none.
   */
  current(replica: DaoReplica, mayMint: boolean): GroupKey | null {
    const epoch = GroupKeys.epochOf(replica);
    if (epoch === null) return null;
    let candidates = this.#epoch(replica.id, epoch)?.keys ?? [];
    if (candidates.length === 0) {
      if (!mayMint) return null;
      this.#add(replica.id, epoch, new Uint8Array(randomBytes(32)));
      candidates = this.#epoch(replica.id, epoch)!.keys;
    }
    const chosen = candidates.map((key) => ({ id: groupKeyId(key), key })).sort((a, b) => Buffer.compare(a.id, b.id))[0]!;
    return chosen;
  }

  byId(dao: string, id: Uint8Array): GroupKey | undefined {
    for (const epoch of this.#daos.get(dao) ?? []) {
      for (const key of epoch.keys) {
        const keyId = groupKeyId(key);
        if (Buffer.compare(keyId, id) === 0) return { id: keyId, key };
      }
    }
    return undefined;
  }

  /** What to hand an authorised peer: the current epoch's keys (making one if this host may). */
  share(replica: DaoReplica, mayMint: boolean): SharedKey[] {
    this.current(replica, mayMint);
    const epoch = GroupKeys.epochOf(replica);
    const entry = epoch === null ? undefined : this.#epoch(replica.id, epoch);
    return entry ? entry.keys.map((key) => ({ epoch: hexToBytes(entry.epoch), key })) : [];
  }

  /** Keys a DAO node handed us (for our current epoch, or one our ledger has not reached yet). */
  learn(dao: string, keys: readonly SharedKey[]): void {
    for (const { epoch, key } of keys) this.#add(dao, bytesToHex(epoch), key);
  }

  /** Resolves once everything learnt so far is on disk. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  #epoch(dao: string, epoch: string): Epoch | undefined {
    return this.#daos.get(dao)?.find((entry) => entry.epoch === epoch);
  }

  #add(dao: string, epoch: string, key: Uint8Array): void {
    const epochs = this.#daos.get(dao) ?? [];
    let entry = epochs.find((candidate) => candidate.epoch === epoch);
    if (!entry) {
      entry = { epoch, keys: [] };
      epochs.push(entry);
      while (epochs.length > keptEpochs) epochs.shift();
    }
    if (entry.keys.some((held) => Buffer.compare(held, key) === 0) || entry.keys.length >= candidatesPerEpoch) return;
    entry.keys.push(key);
    this.#daos.set(dao, epochs);
    this.#save();
  }

  #save(): void {
    const snapshot = Object.fromEntries([...this.#daos].map(([dao, epochs]) => [dao, epochs.map((entry) => ({ epoch: entry.epoch, keys: entry.keys.map(bytesToHex) }))]));
    this.#saving = this.#saving.then(() => writeFileAtomic(this.#path, JSON.stringify(snapshot))).catch(() => {});
  }
}
