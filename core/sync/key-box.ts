// A DAO group key sealed to one member's secp256k1 key (ECIES), for `group.key` records (issue 4): an ephemeral
// secp256k1 key agrees a secret with the member's public key (ECDH), HKDF-SHA256 turns it into an AES-256-GCM
// key and nonce bound to the DAO, the membership epoch, the key id and the recipient, and the 32-byte group key
// is sealed with it. Only the recipient's member key opens a box; a box moved to another DAO, epoch, key id or
// recipient, or altered at all, does not open. Pure: the same code runs in the host and anywhere else.
import { gcm } from '@noble/ciphers/aes.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const groupKeyBytes = 32;
/** What sealed gossip names its key by: the first 8 bytes of the key's SHA-256. */
export const groupKeyIdBytes = 8;
/** What a `group.key` record commits to: the key's whole SHA-256 (records of the first versions name 8 bytes). */
export const groupKeyCommitmentBytes = 32;
export const epochBytes = 16;
export const ephemeralKeyBytes = 33;
/** The sealed group key: 32 bytes and the 16-byte GCM tag. */
export const sealedKeyBytes = groupKeyBytes + 16;

const domain = utf8ToBytes('daomesh-group-key-box-v1\0');

/** One member's copy of a group key. */
export type KeyBox = { readonly member: Uint8Array; readonly ephemeral: Uint8Array; readonly sealed: Uint8Array };

/**
 * What a box is bound to besides its recipient. `keyId`: the record's commitment to the key, its whole SHA-256;
 * or, in records of the first versions (read only), its first 8 bytes, which a member can find two keys for
 * (about 2^32 hashes) and box one to some members and the other to the rest under one record.
 */
export type KeyBoxContext = { readonly dao: Uint8Array; readonly epoch: Uint8Array; readonly keyId: Uint8Array };

/** The id sealed gossip names a group key by: the first 8 bytes of its SHA-256. */
export function groupKeyId(key: Uint8Array): Uint8Array {
  return sha256(key).slice(0, groupKeyIdBytes);
}

/** What a `group.key` record names its key by: the whole SHA-256, which no two keys share. */
export function groupKeyCommitment(key: Uint8Array): Uint8Array {
  return sha256(key);
}

/** A fresh random group key. */
export function newGroupKey(): Uint8Array {
  return randomBytes(groupKeyBytes);
}

/**
 * Seals `key` to the member whose public key (compressed or not) is `publicKey` and whose address (20 bytes)
 * is `member`. Throws on a public key that is not a curve point: the caller recovered it from a signature.
 */
export function sealKeyBox(context: KeyBoxContext, key: Uint8Array, publicKey: Uint8Array, member: Uint8Array): KeyBox {
  if (key.length !== groupKeyBytes) throw new Error('A group key is 32 bytes.');
  const recipient = secp256k1.Point.fromBytes(publicKey).toBytes(true);
  const { secretKey, publicKey: ephemeral } = secp256k1.keygen();
  const { aesKey, nonce, info } = derive(context, secp256k1.getSharedSecret(secretKey, recipient, true), ephemeral, recipient, member);
  return { member: Uint8Array.from(member), ephemeral, sealed: gcm(aesKey, nonce, info).encrypt(key) };
}

/**
 * The group key in `box`, opened with the member's private key; null when the box is not for this key, was
 * altered, is malformed, or holds a key that `context.keyId` does not name. Never throws on untrusted input.
 */
export function openKeyBox(context: KeyBoxContext, box: KeyBox, privateKey: Uint8Array): Uint8Array | null {
  if (box.member.length !== 20 || box.ephemeral.length !== ephemeralKeyBytes || box.sealed.length !== sealedKeyBytes) return null;
  if ((context.keyId.length !== groupKeyCommitmentBytes && context.keyId.length !== groupKeyIdBytes) || context.epoch.length !== epochBytes) return null;
  try {
    const recipient = secp256k1.getPublicKey(privateKey, true);
    const { aesKey, nonce, info } = derive(context, secp256k1.getSharedSecret(privateKey, box.ephemeral, true), box.ephemeral, recipient, box.member);
    const key = gcm(aesKey, nonce, info).decrypt(box.sealed);
    return equalBytes(sha256(key).subarray(0, context.keyId.length), context.keyId) ? key : null;
  } catch {
    // Not a curve point, or the tag does not match: not a box this key opens.
    return null;
  }
}

function derive(context: KeyBoxContext, shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, member: Uint8Array) {
  const info = concatBytes(domain, context.dao, context.epoch, context.keyId, member);
  // The shared point's x coordinate is the ECDH secret; both public keys salt it (as in ECIES-KEM).
  const okm = hkdf(sha256, shared.subarray(1), concatBytes(ephemeral, recipient), info, 32 + 12);
  return { aesKey: okm.subarray(0, 32), nonce: okm.subarray(32), info };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
