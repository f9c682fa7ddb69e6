import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { memberKeyFromPhrase, recoverAddress } from '../identity/member-key.ts';
import { addressBytes, recordIdFromHash } from '../ledger/record.ts';
import { pureEd25519Verify } from '../ledger/verifier.ts';
import { decodeEnvelope, envelopeSigningMessage, EnvelopeTooLargeError, maxUpdateBytes, sealEnvelopeAsDevice, sealEnvelopeAsMember, verifyEnvelopeSignature } from './envelope.ts';

const member = memberKeyFromPhrase('test test test test test test test test test test test junk');
const other = memberKeyFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');
const dao = recordIdFromHash(new Uint8Array(32).fill(7));
const update = Uint8Array.from([0, 0]); // an empty Yjs update: the envelope does not look inside

function rewrap(payload: Uint8Array, sig: Uint8Array): Uint8Array {
  return dagCbor.encode([payload, sig]);
}

test('a member-sealed envelope round-trips, its id is the hash of its bytes, and it verifies as its author', () => {
  const envelope = sealEnvelopeAsMember(dao, update, member);
  const decoded = decodeEnvelope(envelope.bytes);
  assert.equal(decoded.id, recordIdFromHash(sha256(envelope.bytes)));
  assert.equal(decoded.dao, dao);
  assert.equal(decoded.author, member.address);
  assert.deepEqual(Uint8Array.from(decoded.update), update);
  assert.equal(decoded.device, undefined);
  assert.ok(verifyEnvelopeSignature(decoded, pureEd25519Verify));
});

test('a device-sealed envelope verifies against its device key only', () => {
  const device = ed25519.keygen();
  const delegation = new Uint8Array(32).fill(5);
  const envelope = sealEnvelopeAsDevice(dao, update, member.address, { key: device.publicKey, delegation }, (message) => ed25519.sign(message, device.secretKey));
  assert.deepEqual(Uint8Array.from(envelope.device!.delegation), delegation);
  assert.ok(verifyEnvelopeSignature(envelope, pureEd25519Verify));
  const intruder = ed25519.keygen();
  const forged = sealEnvelopeAsDevice(dao, update, member.address, { key: device.publicKey, delegation }, (message) => ed25519.sign(message, intruder.secretKey));
  assert.equal(verifyEnvelopeSignature(forged, pureEd25519Verify), false);
});

test('the signature covers the DAO, the author and the update: a changed field no longer verifies', () => {
  const envelope = sealEnvelopeAsMember(dao, update, member);
  const fields = dagCbor.decode(envelope.payload) as Record<string, unknown>;
  const variants = [{ ...fields, u: Uint8Array.from([0, 1, 0]) }, { ...fields, d: new Uint8Array(32).fill(8) }, { ...fields, a: addressBytes(other.address) }];
  for (const variant of variants) {
    const tampered = decodeEnvelope(rewrap(dagCbor.encode(variant), envelope.sig));
    assert.equal(verifyEnvelopeSignature(tampered, pureEd25519Verify), false);
  }
});

test('decoding is strict and explains what is wrong', () => {
  const envelope = sealEnvelopeAsMember(dao, update, member);
  const fields = dagCbor.decode(envelope.payload) as Record<string, unknown>;
  const nonMinimal = Uint8Array.from([...envelope.payload.subarray(0, envelope.payload.length - 1), 0x18, 0x01]);
  const sig = envelope.sig;
  // The other form of the same ECDSA signature: s' = n - s, recovery bit flipped. Valid, but a second id.
  const s = BigInt('0x' + Buffer.from(sig.subarray(33)).toString('hex'));
  const highS = Uint8Array.from([sig[0]! ^ 1, ...sig.subarray(1, 33), ...Buffer.from((secp256k1.Point.CURVE().n - s).toString(16).padStart(64, '0'), 'hex')]);
  const cases: Array<[Uint8Array, RegExp]> = [
    [Uint8Array.from([0xff, 0x00]), /not canonical CBOR/],
    [dagCbor.encode([1, 2]), /not \[payload, signature\]/],
    [rewrap(dagCbor.encode([1]), sig), /payload is not a map/],
    [rewrap(dagCbor.encode({ ...fields, z: 1 }), sig), /unknown field z/],
    [rewrap(dagCbor.encode({ ...fields, v: 2 }), sig), /version 2/],
    [rewrap(dagCbor.encode({ ...fields, d: new Uint8Array(31) }), sig), /DAO id/],
    [rewrap(dagCbor.encode({ ...fields, a: new Uint8Array(32) }), sig), /author/],
    [rewrap(dagCbor.encode({ ...fields, u: new Uint8Array(0) }), sig), /update is empty/],
    [rewrap(dagCbor.encode({ ...fields, u: 'text' }), sig), /update is not bytes/],
    [rewrap(dagCbor.encode({ ...fields, x: [new Uint8Array(32)] }), sig), /device/],
    [rewrap(nonMinimal, sig), /canonical/],
    [rewrap(envelope.payload, sig.subarray(0, 64)), /65 bytes/],
    [rewrap(envelope.payload, highS), /low s/],
    [rewrap(dagCbor.encode({ ...fields, x: [new Uint8Array(32), new Uint8Array(32)] }), sig), /device signature is 64 bytes/],
  ];
  for (const [bytes, reason] of cases) assert.throws(() => decodeEnvelope(bytes), (error: Error) => reason.test(error.message) && /^Malformed envelope/.test(error.message), String(reason));
  // The high-s twin would recover the same signer; recoverAddress refuses it too, so no signature has two forms.
  assert.equal(recoverAddress(keccak_256(envelopeSigningMessage(envelope.payload)), highS), null);
});

test('updates over 1 MiB are refused when sealing and when decoding', () => {
  const big = new Uint8Array(maxUpdateBytes + 1);
  assert.throws(() => sealEnvelopeAsMember(dao, big, member), EnvelopeTooLargeError);
  const envelope = sealEnvelopeAsMember(dao, update, member);
  const fields = dagCbor.decode(envelope.payload) as Record<string, unknown>;
  assert.throws(() => decodeEnvelope(rewrap(dagCbor.encode({ ...fields, u: big }), envelope.sig)), EnvelopeTooLargeError);
  assert.throws(() => decodeEnvelope(new Uint8Array(maxUpdateBytes + 2048)), EnvelopeTooLargeError);
});
