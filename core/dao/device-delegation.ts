// A device delegation: the member key (secp256k1, slow to verify) signs once that a device key (Ed25519, fast)
// may sign records and envelopes for it in one DAO (DESIGN.md §4). Records and envelopes then name the
// delegation's id beside the device key. The body, { device: <32-byte key> }, is the one core/governance's
// record-kinds.ts (deviceBodySchema) validates; the fold also honours `device.revoke`, which the gate leaves to it.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { compareBytes, type LedgerRecord, type UnsignedRecord } from '../ledger/record.ts';
import { isSoundEd25519Key } from '../ledger/verifier.ts';

export const deviceDelegationKind = 'device.delegate';

export type DeviceDelegationParams = {
  dao: Uint8Array;
  /** The member's address, 20 bytes. */
  author: Uint8Array;
  /** The device's Ed25519 public key, 32 bytes. */
  deviceKey: Uint8Array;
  deps: Uint8Array[];
  time: number;
};

/** The unsigned delegation record; sign it with signRecordAsMember (a delegation is never device-signed). */
export function deviceDelegation(params: DeviceDelegationParams): UnsignedRecord {
  return { dao: params.dao, kind: deviceDelegationKind, body: { device: params.deviceKey }, author: params.author, deps: params.deps, time: params.time };
}

/**
 * Why `delegation` does not let `deviceKey` sign for `author` in `dao`, or null when it does. The delegation's
 * own signature is checked by whoever accepted it into the ledger, not here.
 */
export function delegationProblem(delegation: LedgerRecord, dao: Uint8Array, author: Uint8Array, deviceKey: Uint8Array): string | null {
  const record = delegation.record;
  if (record.kind !== deviceDelegationKind) return `record ${delegation.id} is a ${record.kind}, not a ${deviceDelegationKind}`;
  if (record.device) return `delegation ${delegation.id} is signed by a device key, not by the member key`;
  if (record.dao === null || compareBytes(record.dao, dao) !== 0) return `delegation ${delegation.id} is for another DAO`;
  if (compareBytes(record.author, author) !== 0) return `delegation ${delegation.id} was made by ${delegation.author}, not by the signer`;
  const key = record.body.device;
  if (!(key instanceof Uint8Array) || key.length !== 32 || compareBytes(key, deviceKey) !== 0) return `delegation ${delegation.id} is for another device key`;
  if (!isSoundEd25519Key(key)) return `delegation ${delegation.id} is for a key anyone can sign with (not a usable Ed25519 key)`;
  return null;
}

const nodeClaimTag = utf8ToBytes('daomesh-node-claim-v1\0');

/**
 * What a node's libp2p key signs to say that it runs `author`'s device key `device` in the DAO `dao` (a
 * delegation's `nodeProof`). Without it, any member could name someone else's node as theirs.
 */
export function nodeClaimMessage(dao: Uint8Array, author: Uint8Array, device: Uint8Array): Uint8Array {
  const message = new Uint8Array(nodeClaimTag.length + dao.length + author.length + device.length);
  message.set(nodeClaimTag);
  message.set(dao, nodeClaimTag.length);
  message.set(author, nodeClaimTag.length + dao.length);
  message.set(device, nodeClaimTag.length + dao.length + author.length);
  return message;
}

/** A libp2p Ed25519 peer id's multihash: identity (0x00), 36 bytes, the protobuf key { type: Ed25519, data: 32 bytes }. */
const ed25519PeerIdPrefix = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20);

/** The Ed25519 public key a libp2p peer id (multihash bytes) carries, or null for any other kind of peer id. */
export function ed25519KeyOfPeerId(node: Uint8Array): Uint8Array | null {
  if (node.length !== ed25519PeerIdPrefix.length + 32) return null;
  for (let i = 0; i < ed25519PeerIdPrefix.length; i++) if (node[i] !== ed25519PeerIdPrefix[i]) return null;
  return node.subarray(ed25519PeerIdPrefix.length);
}
