import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { clientsPerKey, isClientOf, yjsClientOf } from './yjs-client.ts';

const deviceKey = sha256(utf8ToBytes('a device key'));
const otherKey = sha256(utf8ToBytes('another device key'));
const address = sha256(utf8ToBytes('a member')).slice(0, 20);

test("a key's clients are fixed, distinct 53-bit ids, and no other key's", () => {
  const clients = Array.from({ length: clientsPerKey }, (_, n) => yjsClientOf(deviceKey, n));
  assert.deepEqual(clients, Array.from({ length: clientsPerKey }, (_, n) => yjsClientOf(Uint8Array.from(deviceKey), n)), 'the same on every peer');
  assert.equal(new Set(clients).size, clientsPerKey);
  for (const client of clients) assert.ok(Number.isSafeInteger(client) && client > 0);
  // They use the 53 bits: about half of them lie above 2^52, and nearly all above 2^32.
  assert.ok(clients.filter((client) => client >= 2 ** 52).length > clientsPerKey / 4);
  assert.ok(clients.every((client) => client > 2 ** 32));
  for (const client of clients) assert.equal(isClientOf(deviceKey, client), true);
  for (const client of clients) assert.equal(isClientOf(otherKey, client), false);
  assert.equal(isClientOf(address, yjsClientOf(address, 0)), true, 'a member-signed envelope names clients of the address');
  assert.equal(isClientOf(address, yjsClientOf(deviceKey, 0)), false);
  // Asked about key after key (the cache of the last one must not answer for another).
  assert.equal(isClientOf(deviceKey, yjsClientOf(otherKey, 3)), false);
  assert.equal(isClientOf(otherKey, yjsClientOf(otherKey, 3)), true);
});

test('a client number outside the range is an error, not another id', () => {
  assert.throws(() => yjsClientOf(deviceKey, clientsPerKey), RangeError);
  assert.throws(() => yjsClientOf(deviceKey, -1), RangeError);
  assert.throws(() => yjsClientOf(deviceKey, 1.5), RangeError);
});
