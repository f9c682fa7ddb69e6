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
