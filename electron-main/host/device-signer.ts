// The device key that signs this device's records (Ed25519, verified natively, ~20x faster to check than the
// member's secp256k1 key). It is derived from the member key and a random per-device salt, so nothing new
// needs keeping secret: without the member key the salt says nothing, and a restored identity on the same
// data directory gets the same device key back.
import { hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DaomeshError } from '../../core/errors.ts';
import type { MemberKey } from '../../core/identity/member-key.ts';
import { writeFileAtomic } from './data-dir.ts';
import { createNativeEd25519Signer, type NativeEd25519Signer } from './native-ed25519.ts';

const saltFile = 'device-signing-salt';

export async function loadOrCreateDeviceSalt(dir: string): Promise<Uint8Array> {
  const path = join(dir, saltFile);
  const existing = await readFile(path).catch(() => null);
  if (existing !== null && existing.length === 32) return new Uint8Array(existing);
  const salt = randomBytes(32);
  await writeFileAtomic(path, salt);
  return new Uint8Array(salt);
}

export function deriveDeviceSigner(member: MemberKey, salt: Uint8Array): NativeEd25519Signer {
  // A scrubbed (locked) key would give a device key anyone with the salt could compute.
  if (member.privateKey.every((byte) => byte === 0)) throw new DaomeshError('INTERNAL', 'The device key was asked for with a scrubbed member key.');
  const seed = new Uint8Array(hkdfSync('sha256', member.privateKey, salt, 'daomesh device signing key v1', 32));
  return createNativeEd25519Signer(seed);
}
