// DAO gossip is end-to-end encrypted with the DAO's group key (DESIGN.md §5, issue 4): gossipsub forwards a
// topic's messages to whoever subscribes, so a stranger on the topic must see only ciphertext. Catch-up sync
// needs no such layer: it runs point to point, over Noise, only with peers the DAO authorises. The group keys
// travel in the ledger, sealed to each member's key (`group.key` records, core/sync/key-box.ts).
//
// Message: [version 1][key id 8][nonce 12][AES-256-GCM ciphertext + 16-byte tag], the DAO id as associated data
// (a message cannot be replayed onto another DAO's topic).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { groupKeyIdBytes as keyIdBytes } from '../core/sync/key-box.ts';

export { groupKeyId } from '../core/sync/key-box.ts';

const version = 1;
const nonceBytes = 12;
const tagBytes = 16;
const headerBytes = 1 + keyIdBytes + nonceBytes;

export type GroupKey = { readonly id: Uint8Array; readonly key: Uint8Array };

export function sealGossip(key: GroupKey, dao: Uint8Array, envelope: Uint8Array): Uint8Array {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce);
  cipher.setAAD(dao);
  const body = Buffer.concat([cipher.update(envelope), cipher.final(), cipher.getAuthTag()]);
  const out = new Uint8Array(headerBytes + body.length);
  out[0] = version;
  out.set(key.id, 1);
  out.set(nonce, 1 + keyIdBytes);
  out.set(body, headerBytes);
  return out;
}

/** The key id a message names, or null when it is not a sealed message at all. */
export function gossipKeyId(message: Uint8Array): Uint8Array | null {
  if (message.length < headerBytes + tagBytes || message[0] !== version) return null;
  return message.subarray(1, 1 + keyIdBytes);
}

/** The envelope inside, or null if the key is wrong or the message was altered. */
export function openGossip(key: GroupKey, dao: Uint8Array, message: Uint8Array): Uint8Array | null {
  const id = gossipKeyId(message);
  if (id === null || Buffer.compare(id, key.id) !== 0) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, message.subarray(1 + keyIdBytes, headerBytes));
    decipher.setAAD(dao);
    decipher.setAuthTag(message.subarray(message.length - tagBytes));
    return new Uint8Array(Buffer.concat([decipher.update(message.subarray(headerBytes, message.length - tagBytes)), decipher.final()]));
  } catch {
    return null;
  }
}
