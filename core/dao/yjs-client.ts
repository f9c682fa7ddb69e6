// Which Yjs clients a signing key may write as. Yjs names every item by (client, clock), and a peer keeps the
// first item it gets at a position: without a rule, a member could write its own records as another member's
// client at that client's next clock, and peers that got those first would refuse the other member's real
// update there (a clock conflict) for good. So a client belongs to a key: it is one of `clientsPerKey` ids
// derived from the key that signs the envelope (the device key, or the member's address for a member-signed
// one), and the gate refuses an update written as any other (FOREIGN_CLIENT).
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { RecentByBytes } from '../ledger/recent-by-bytes.ts';

/** How many clients a key may write as: a writer takes a new one only when its log lost a tail or it clashed. */
export const clientsPerKey = 256;

const tag = utf8ToBytes('daomesh-yjs-client-v1\0');
/** Clients per key, by the key's bytes as text: a DAO has a few dozen keys. */
const derived = new Map<string, Set<number>>();
const maxCachedKeys = 4096;
/** The keys asked for lately: a run of envelopes is mostly a few writers'. */
const recent = new RecentByBytes<Set<number>>();

/**
 * The `n`th client of `key`: a nonzero 53-bit id from SHA-256(tag, key, n), as wide as Yjs takes (a JS safe
 * integer). Ids are public (every update names its client), so a member could search for a key of their own
 * with a client equal to someone else's and squat that client's next clock: with 32 bits that was ~2^32
 * hashes, minutes on a GPU; with 53 it is ~2^53 per client aimed at.
 */
export function yjsClientOf(key: Uint8Array, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n >= clientsPerKey) throw new RangeError(`A key has clients 0 to ${clientsPerKey - 1}, not ${n}.`);
  const input = new Uint8Array(tag.length + key.length + 2);
  input.set(tag);
  input.set(key, tag.length);
  input[input.length - 2] = n >> 8;
  input[input.length - 1] = n & 0xff;
  const hash = sha256(input);
  // The top 5 bits of the first byte, then six more bytes: 53 bits. 0 is left out so that no id can look unset.
  const high = (hash[0]! & 0x1f) * 2 ** 16 + hash[1]! * 2 ** 8 + hash[2]!;
  const low = ((hash[3]! << 24) | (hash[4]! << 16) | (hash[5]! << 8) | hash[6]!) >>> 0;
  return high * 2 ** 32 + low || 1;
}

/** True when `client` is one of `key`'s clients. */
export function isClientOf(key: Uint8Array, client: number): boolean {
  let clients = recent.get(key);
  if (clients === undefined) {
    const name = String.fromCharCode(...key);
    clients = derived.get(name);
    if (clients === undefined) {
      clients = new Set(Array.from({ length: clientsPerKey }, (_, n) => yjsClientOf(key, n)));
      if (derived.size >= maxCachedKeys) derived.clear();
      derived.set(name, clients);
    }
    recent.set(key, clients);
  }
  return clients.has(client);
}
