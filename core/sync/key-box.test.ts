import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { memberKeyFromPrivateKey } from '../identity/member-key.ts';
import { addressBytes } from '../ledger/record.ts';
import { groupKeyCommitment, groupKeyId, newGroupKey, openKeyBox, sealKeyBox, type KeyBox, type KeyBoxContext } from './key-box.ts';

const alice = memberKeyFromPrivateKey(sha256(utf8ToBytes('key box alice')));
const bob = memberKeyFromPrivateKey(sha256(utf8ToBytes('key box bob')));
const key = newGroupKey();
const context: KeyBoxContext = { dao: sha256(utf8ToBytes('a dao')), epoch: new Uint8Array(16).fill(1), keyId: groupKeyId(key) };

test('a box opens with its member key and gives the group key back', () => {
  const box = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  assert.deepEqual(openKeyBox(context, box, alice.privateKey), key);
  // The compressed form of the public key (as recovered from signatures) seals the same way.
  const compressed = sealKeyBox(context, key, secp256k1.Point.fromBytes(bob.publicKey).toBytes(true), addressBytes(bob.address));
  assert.deepEqual(openKeyBox(context, compressed, bob.privateKey), key);
});

test("a box for one member does not open with another member's key", () => {
  const box = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  assert.equal(openKeyBox(context, box, bob.privateKey), null);
  // Readdressed to Bob, it still holds a key sealed to Alice.
  assert.equal(openKeyBox(context, { ...box, member: addressBytes(bob.address) }, bob.privateKey), null);
});

test('a box moved to another DAO, epoch or key id does not open', () => {
  const box = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  assert.equal(openKeyBox({ ...context, dao: sha256(utf8ToBytes('another dao')) }, box, alice.privateKey), null);
  assert.equal(openKeyBox({ ...context, epoch: new Uint8Array(16).fill(2) }, box, alice.privateKey), null);
  assert.equal(openKeyBox({ ...context, keyId: new Uint8Array(8) }, box, alice.privateKey), null);
});

test('a box that holds a key other than the one its id names is refused', () => {
  const other = newGroupKey();
  // A member seals another key under this key id: the box opens, but the key is not the one named.
  const box = sealKeyBox(context, other, alice.publicKey, addressBytes(alice.address));
  assert.equal(openKeyBox(context, box, alice.privateKey), null);
});

test('tampered and malformed boxes are refused cleanly, never with a throw', () => {
  const box = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  const flipped = (bytes: Uint8Array, at: number) => {
    const copy = Uint8Array.from(bytes);
    copy[at]! ^= 1;
    return copy;
  };
  const bad: KeyBox[] = [
    { ...box, sealed: flipped(box.sealed, 0) },
    { ...box, sealed: flipped(box.sealed, box.sealed.length - 1) },
    { ...box, ephemeral: flipped(box.ephemeral, 5) },
    { ...box, ephemeral: new Uint8Array(33) },
    { ...box, ephemeral: Uint8Array.of(4, ...new Uint8Array(32).fill(255)) },
    { ...box, ephemeral: box.ephemeral.subarray(1) },
    { ...box, sealed: box.sealed.subarray(1) },
    { ...box, sealed: new Uint8Array(0) },
    { ...box, member: new Uint8Array(19) },
  ];
  for (const candidate of bad) assert.equal(openKeyBox(context, candidate, alice.privateKey), null);
  assert.equal(openKeyBox({ ...context, keyId: new Uint8Array(3) }, box, alice.privateKey), null);
  assert.equal(openKeyBox(context, box, new Uint8Array(32)), null, 'not a valid private key');
  assert.throws(() => sealKeyBox(context, key, new Uint8Array(33), addressBytes(alice.address)), 'sealing to a point that is not on the curve');
});

test('each box is fresh: sealing the same key twice gives different bytes', () => {
  const first = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  const second = sealKeyBox(context, key, alice.publicKey, addressBytes(alice.address));
  assert.notDeepEqual(first.ephemeral, second.ephemeral);
  assert.notDeepEqual(first.sealed, second.sealed);
});

test("a box named by the key's whole hash opens only to that key; one of two keys sharing 8 bytes of it does not pass for the other", () => {
  const committed: KeyBoxContext = { ...context, keyId: groupKeyCommitment(key) };
  assert.deepEqual(openKeyBox(committed, sealKeyBox(committed, key, alice.publicKey, addressBytes(alice.address)), alice.privateKey), key);
  assert.equal(openKeyBox(committed, sealKeyBox(committed, newGroupKey(), alice.publicKey, addressBytes(alice.address)), alice.privateKey), null);
  // Found by a birthday search: two keys whose SHA-256 share the first 8 bytes. Under 8 bytes both pass; under 32, one.
  const [k1, k2] = ['0321a877970dbe69', 'aa0c403925c0e31d'].map((start) => hexToBytes(start.padEnd(64, '0'))) as [Uint8Array, Uint8Array];
  const short: KeyBoxContext = { ...context, keyId: groupKeyId(k1) };
  assert.deepEqual(openKeyBox(short, sealKeyBox(short, k2, alice.publicKey, addressBytes(alice.address)), alice.privateKey), k2);
  const whole: KeyBoxContext = { ...context, keyId: groupKeyCommitment(k1) };
  assert.equal(openKeyBox(whole, sealKeyBox(whole, k2, alice.publicKey, addressBytes(alice.address)), alice.privateKey), null);
});
