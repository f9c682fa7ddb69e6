import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { pureEd25519Verify } from '../../core/ledger/verifier.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from './native-ed25519.ts';

test('native and pure Ed25519 agree: native signatures verify in pure JS and the other way round', () => {
  const verify = createNativeEd25519Verify();
  const message = new TextEncoder().encode('record payload');
  const native = createNativeEd25519Signer();
  const signature = native.sign(message);
  assert.ok(verify(signature, message, native.publicKey));
  assert.ok(pureEd25519Verify(signature, message, native.publicKey));
  assert.deepEqual(ed25519.getPublicKey(native.seed), native.publicKey);

  const pure = ed25519.keygen();
  assert.ok(verify(ed25519.sign(message, pure.secretKey), message, pure.publicKey));
  assert.deepEqual(createNativeEd25519Signer(pure.secretKey).publicKey, pure.publicKey);
});

test('native verify rejects tampered messages, signatures and malformed keys without throwing', () => {
  const verify = createNativeEd25519Verify();
  const signer = createNativeEd25519Signer();
  const message = new TextEncoder().encode('vote yes');
  const signature = signer.sign(message);
  assert.equal(verify(signature, new TextEncoder().encode('vote no'), signer.publicKey), false);
  const flipped = Uint8Array.from(signature);
  flipped[10]! ^= 1;
  assert.equal(verify(flipped, message, signer.publicKey), false);
  assert.equal(verify(signature.subarray(0, 63), message, signer.publicKey), false);
  assert.equal(verify(signature, message, new Uint8Array(31)), false);
  assert.equal(verify(signature, message, new Uint8Array(32).fill(0xff)), false);
  assert.equal(verify(signature, message, createNativeEd25519Signer().publicKey), false);
});

test('native verify follows the key bytes, not the array: views at offsets, keys taken in turn, an array changed in place', () => {
  const verify = createNativeEd25519Verify();
  const [a, b] = [createNativeEd25519Signer(), createNativeEd25519Signer()];
  const message = new TextEncoder().encode('tally');
  const [signedByA, signedByB] = [a.sign(message), b.sign(message)];
  const shared = new Uint8Array(100);
  shared.set(a.publicKey, 3);
  shared.set(b.publicKey, 50);
  const [keyA, keyB] = [shared.subarray(3, 35), shared.subarray(50, 82)];
  for (let round = 0; round < 3; round++) {
    assert.equal(verify(signedByA, message, keyA), true);
    assert.equal(verify(signedByA, message, keyA), true);
    assert.equal(verify(signedByB, message, keyA), false);
    assert.equal(verify(signedByB, message, keyB), true);
    assert.equal(verify(signedByA, message, keyB), false);
  }
  // The same array, now holding B's key: what it holds counts.
  const key = Uint8Array.from(a.publicKey);
  assert.equal(verify(signedByA, message, key), true);
  key.set(b.publicKey);
  assert.equal(verify(signedByA, message, key), false);
  assert.equal(verify(signedByB, message, key), true);
});
