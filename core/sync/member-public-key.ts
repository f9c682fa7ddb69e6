// A member's secp256k1 public key, recovered from a record they signed with the member key itself (a genesis,
// a device delegation): what a group key is sealed to (key-box.ts). Recovered, never taken on a peer's word.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { addressFromPublicKey } from '../identity/member-key.ts';
import { signingMessage, type LedgerRecord } from '../ledger/record.ts';

/** The compressed public key of the member key that signed `record`, or null for a device-signed or bad record. */
export function memberPublicKey(record: LedgerRecord): Uint8Array | null {
  const signed = record.record;
  if (signed.device || signed.sig.length !== 65) return null;
  try {
    const publicKey = secp256k1.recoverPublicKey(signed.sig, keccak_256(signingMessage(record.payload)), { prehash: false });
    return addressFromPublicKey(publicKey) === record.author ? secp256k1.Point.fromBytes(publicKey).toBytes(true) : null;
  } catch {
    return null;
  }
}
