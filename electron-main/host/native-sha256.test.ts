import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { nativeSha256 } from './native-sha256.ts';

test('the native SHA-256 gives the same 32 bytes as @noble/hashes, for every byte value and length', () => {
  const inputs = [new Uint8Array(0), Uint8Array.from({ length: 256 }, (_, i) => i), ...Array.from({ length: 200 }, (_, i) => new Uint8Array(randomBytes(i * 7)))];
  for (const input of inputs) {
    const digest = nativeSha256(input);
    assert.ok(digest instanceof Uint8Array && digest.length === 32);
    assert.deepEqual(digest, sha256(input));
  }
  // A view into a larger buffer hashes only its own bytes.
  const buffer = randomBytes(100);
  assert.deepEqual(nativeSha256(buffer.subarray(10, 60)), sha256(buffer.subarray(10, 60)));
});
