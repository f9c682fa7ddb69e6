// A DAO's membership epoch, which its gossip group key belongs to (electron-main/host/group-keys.ts): a hash of
// the DAO id and the sorted addresses of its current members, so that every node names the same epoch for the
// same member set. Anyone can work out the id of a member set that does not exist yet, so the fold counts a
// `group.key` record only for the epoch its author was in when writing it (verdict.ts): a member about to be
// removed cannot plant the key of the epoch after their removal, nor fill nodes with keys of made-up epochs.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** The 16-byte epoch id of `members` (any order) in the DAO `daoId`. */
export function groupEpoch(daoId: string, members: Iterable<string>): Uint8Array {
  return sha256(utf8ToBytes(`daomesh-group-epoch-v1\0${daoId}\0${[...members].sort().join(',')}`)).subarray(0, 16);
}
