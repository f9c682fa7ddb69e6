// Signature checking is what opening a DAO costs (DESIGN.md §4): core takes the fastest Ed25519 verifier
// the platform has (Node's native one in the host), and falls back to pure JS anywhere else.
import { ed25519 } from '@noble/curves/ed25519.js';

/** Checks a signature over `message`, which it must not keep: callers reuse its buffer once it returns. */
export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

export const pureEd25519Verify: Ed25519Verify = (signature, message, publicKey) => {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
};

/**
 * True when `key` is a usable Ed25519 public key: a point on the curve, not one of the 8 of small order, for which
 * a signature of the identity point and S = 0 verifies any message (both verifiers take it), so anyone could sign.
 */
export function isSoundEd25519Key(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  try {
    return !ed25519.Point.fromBytes(key).isSmallOrder();
  } catch {
    return false;
  }
}

/**
 * SHA-256 of the bytes, a plain Uint8Array of 32. The gate hashes every record it takes in (its ledger key is
 * its hash), so the host passes Node's native one; core falls back to @noble/hashes.
 */
export type Sha256 = (bytes: Uint8Array) => Uint8Array;
