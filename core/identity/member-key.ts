// A member's identity: a secp256k1 key whose Ethereum address is the member id (DESIGN.md §4), backed up as a
// BIP-39 phrase. The phrase derives the key on Ethereum's standard path, so the same phrase opens the same
// account in any Ethereum wallet.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { HDKey } from '@scure/bip32';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { DaomeshError } from '../errors.ts';

/** m/44'/60'/0'/0/0: the first account of an Ethereum wallet. */
export const ethereumPath = "m/44'/60'/0'/0/0";

export type MemberKey = {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array; // uncompressed, 65 bytes
  readonly address: string; // EIP-55 checksummed
};

/** A fresh 12-word phrase (128 bits of entropy). */
export function createRecoveryPhrase(): string {
  return generateMnemonic(wordlist, 128);
}

/** Trims and lower-cases a phrase a person typed or pasted, and collapses its whitespace. */
export function normalizeRecoveryPhrase(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

export function isValidRecoveryPhrase(phrase: string): boolean {
  return validateMnemonic(normalizeRecoveryPhrase(phrase), wordlist);
}

export function memberKeyFromPhrase(phrase: string): MemberKey {
  const normalized = normalizeRecoveryPhrase(phrase);
  if (!validateMnemonic(normalized, wordlist)) {
    const words = normalized === '' ? 0 : normalized.split(' ').length;
    const unknown = normalized.split(' ').filter((word) => word !== '' && !wordlist.includes(word));
    const detail =
      unknown.length > 0
        ? `unknown word${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 3).join(', ')}`
        : ![12, 15, 18, 21, 24].includes(words)
          ? `it has ${words} words, not 12 or 24`
          : 'its checksum does not match (a word is wrong or out of order)';
    throw new DaomeshError('INVALID_PHRASE', `That is not a valid recovery phrase: ${detail}.`, 'Check each word against your written copy.');
  }
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(normalized));
  const child = root.derive(ethereumPath);
  if (!child.privateKey) throw new DaomeshError('INTERNAL', 'Key derivation gave no private key.');
  return memberKeyFromPrivateKey(child.privateKey);
}

export function memberKeyFromPrivateKey(privateKey: Uint8Array): MemberKey {
  if (!secp256k1.utils.isValidSecretKey(privateKey)) {
    throw new DaomeshError('BAD_REQUEST', 'That is not a valid secp256k1 private key.');
  }
  const publicKey = secp256k1.getPublicKey(privateKey, false);
  return { privateKey: Uint8Array.from(privateKey), publicKey, address: addressFromPublicKey(publicKey) };
}

/** Ethereum address: the last 20 bytes of keccak-256 of the uncompressed public key without its 0x04 prefix. */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  const point = secp256k1.Point.fromBytes(publicKey);
  const uncompressed = point.toBytes(false);
  return checksumAddress(bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(-20)));
}

/** EIP-55 mixed-case checksum encoding. */
export function checksumAddress(address: string): string {
  const hex = address.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{40}$/.test(hex)) throw new DaomeshError('BAD_REQUEST', `Not an Ethereum address: ${address}`);
  const hash = bytesToHex(keccak_256(utf8ToBytes(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    out += Number.parseInt(hash[i] ?? '0', 16) >= 8 ? hex[i]!.toUpperCase() : hex[i];
  }
  return out;
}

/** Signs a 32-byte digest; 65 bytes [recovery, r, s], low-s, so the signer's address can be recovered. */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  assertDigest(digest);
  return secp256k1.sign(digest, privateKey, { prehash: false, format: 'recovered' });
}

/** Half the secp256k1 group order: a signature with a larger s is the malleable twin of a low-s one (EIP-2). */
const halfOrder = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** The address that made `signature` over `digest`, or null when the signature is malformed or high-s. */
export function recoverAddress(digest: Uint8Array, signature: Uint8Array): string | null {
  assertDigest(digest);
  if (signature.length !== 65) return null;
  if (BigInt(`0x${bytesToHex(signature.subarray(33))}`) > halfOrder) return null;
  try {
    const publicKey = secp256k1.recoverPublicKey(signature, digest, { prehash: false });
    return addressFromPublicKey(publicKey);
  } catch {
    return null;
  }
}

/** True only when `signature` over `digest` was made by `address`'s key. */
export function verifyDigest(address: string, digest: Uint8Array, signature: Uint8Array): boolean {
  const signer = recoverAddress(digest, signature);
  return signer !== null && signer.toLowerCase() === address.toLowerCase();
}

/** EIP-191 personal message digest, as wallets sign with personal_sign. */
export function personalMessageDigest(message: Uint8Array): Uint8Array {
  const prefix = utf8ToBytes(`\x19Ethereum Signed Message:\n${message.length}`);
  const data = new Uint8Array(prefix.length + message.length);
  data.set(prefix);
  data.set(message, prefix.length);
  return keccak_256(data);
}

/** The 0x-hex form wallets use for a signature: r ‖ s ‖ v with v = 27 + recovery. */
export function signatureToEthereumHex(signature: Uint8Array): string {
  return `0x${bytesToHex(signature.subarray(1))}${(27 + signature[0]!).toString(16)}`;
}

export function signatureFromEthereumHex(hex: string): Uint8Array {
  const bytes = hexToBytes(hex.replace(/^0x/, ''));
  if (bytes.length !== 65) throw new DaomeshError('BAD_REQUEST', 'An Ethereum signature is 65 bytes.');
  const v = bytes[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  const out = new Uint8Array(65);
  out[0] = recovery;
  out.set(bytes.subarray(0, 64), 1);
  return out;
}

function assertDigest(digest: Uint8Array): void {
  if (digest.length !== 32) throw new DaomeshError('BAD_REQUEST', 'A digest to sign is 32 bytes.');
}
