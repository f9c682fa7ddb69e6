// The device key: this installation's libp2p identity (Ed25519), separate from the member key (DESIGN.md §4).
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DaomeshError } from '../../core/errors.ts';
import { dataFiles, writeFileAtomic } from './data-dir.ts';

export async function loadOrCreateDeviceKey(dir: string): Promise<PrivateKey> {
  const path = join(dir, dataFiles.deviceKey);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (bytes === null) {
    const key = await generateKeyPair('Ed25519');
    await writeFileAtomic(path, privateKeyToProtobuf(key));
    return key;
  }
  try {
    return privateKeyFromProtobuf(bytes);
  } catch {
    throw new DaomeshError('CORRUPT_KEYSTORE', `The device key at ${path} is damaged.`, 'Move it aside to make a new device key (your member identity is kept separately).');
  }
}
