// Node's native Ed25519 (OpenSSL): ~20x the pure-JS verifier here, and signature checking is what opening a
// DAO costs. Public keys are wrapped as KeyObjects once and cached, since a DAO has few device keys.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { RecentByBytes } from '../../core/ledger/recent-by-bytes.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';

// DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 private key; the raw 32-byte key follows.
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const maxCachedKeys = 4096;

export function createNativeEd25519Verify(): Ed25519Verify {
  const keys = new Map<string, KeyObject | null>();
  // The keys asked for lately: a DAO's few writers take turns, and comparing 32 bytes costs less than naming the
  // key for the map (a base64 string, about a microsecond per signature).
  const recent = new RecentByBytes<KeyObject | null>();
  const keyObject = (publicKey: Uint8Array): KeyObject | null => {
    let key = recent.get(publicKey);
    if (key !== undefined) return key;
    const cacheKey = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64');
    key = keys.get(cacheKey);
    if (key === undefined) {
      try {
        key = publicKey.length === 32 ? createPublicKey({ key: Buffer.concat([spkiPrefix, publicKey]), format: 'der', type: 'spki' }) : null;
      } catch {
        key = null;
      }
      if (keys.size >= maxCachedKeys) keys.clear();
      keys.set(cacheKey, key);
    }
    recent.set(publicKey, key);
    return key;
  };
  return (signature, message, publicKey) => {
    const key = keyObject(publicKey);
    if (key === null || signature.length !== 64) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  };
}

export type NativeEd25519Signer = { publicKey: Uint8Array; seed: Uint8Array; sign(message: Uint8Array): Uint8Array };

/** A signer from a 32-byte seed (the raw private key), or a fresh one. */
export function createNativeEd25519Signer(seed?: Uint8Array): NativeEd25519Signer {
  const privateKey = seed
    ? createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' })
    : generateKeyPairSync('ed25519').privateKey;
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const publicDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    seed: new Uint8Array(der.subarray(pkcs8Prefix.length)),
    publicKey: new Uint8Array(publicDer.subarray(spkiPrefix.length)),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}
