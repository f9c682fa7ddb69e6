import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { memberKeyFromPhrase } from '../identity/member-key.ts';
import {
  addressBytes,
  canonicalDeps,
  decodeRecord,
  encodeRecord,
  recordHashFromId,
  recordId,
  recordIdFromHash,
  signRecordAsDevice,
  signRecordAsMember,
  verifyRecordSignature,
  type UnsignedRecord,
} from './record.ts';
import { pureEd25519Verify } from './verifier.ts';

const member = memberKeyFromPhrase('test test test test test test test test test test test junk');
const dao = new Uint8Array(32).fill(7);

function vote(overrides: Partial<UnsignedRecord> = {}): UnsignedRecord {
  return {
    dao,
    kind: 'vote',
    body: { proposal: new Uint8Array(32).fill(1), choice: 'yes' },
    author: addressBytes(member.address),
    deps: canonicalDeps([new Uint8Array(32).fill(3), new Uint8Array(32).fill(2)]),
    time: 1_700_000_000_000,
    ...overrides,
  };
}

test('a member-signed record round-trips through its bytes, with an id that is the hash of the bytes', () => {
  const signed = signRecordAsMember(vote(), member.privateKey);
  const decoded = decodeRecord(signed.bytes);
  assert.equal(decoded.id, signed.id);
  assert.equal(decoded.id, recordId(signed.bytes));
  assert.deepEqual(recordHashFromId(decoded.id), decoded.hash);
  assert.equal(decoded.author, member.address);
  assert.deepEqual(decoded.record.body, vote().body);
  assert.ok(verifyRecordSignature(decoded, pureEd25519Verify));
});

test('the encoding is deterministic: the same fields give the same bytes whatever the key order', () => {
  const a = signRecordAsMember(vote({ body: { proposal: new Uint8Array(32), choice: 'no' } }), member.privateKey);
  const b = signRecordAsMember(vote({ body: { choice: 'no', proposal: new Uint8Array(32) } }), member.privateKey);
  assert.deepEqual(a.bytes, b.bytes);
});

test('a device-signed record verifies against its device key only', () => {
  const device = ed25519.keygen();
  const record = vote({ device: { key: device.publicKey, delegation: new Uint8Array(32).fill(9) } });
  const signed = decodeRecord(signRecordAsDevice(record, (payload) => ed25519.sign(payload, device.secretKey)).bytes);
  assert.ok(verifyRecordSignature(signed, pureEd25519Verify));
  const other = ed25519.keygen();
  const forged = signRecordAsDevice({ ...record }, (payload) => ed25519.sign(payload, other.secretKey));
  assert.equal(verifyRecordSignature(forged, pureEd25519Verify), false);
});

test('tampering with any field breaks the signature', () => {
  const signed = signRecordAsMember(vote(), member.privateKey);
  const tampered = [
    { ...signed.record, time: signed.record.time - 1 },
    { ...signed.record, body: { ...signed.record.body, choice: 'no' } },
    { ...signed.record, deps: [] },
    { ...signed.record, author: addressBytes(memberKeyFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow').address) },
  ];
  for (const record of tampered) assert.equal(verifyRecordSignature(encodeRecord(record), pureEd25519Verify), false);
});

test('malformed and non-canonical bytes are rejected with a reason', () => {
  const signed = signRecordAsMember(vote(), member.privateKey);
  const wire = dagCbor.decode(signed.payload) as Record<string, unknown>;
  const sig = signed.record.sig;
  const wrap = (fields: unknown, signature: Uint8Array = sig): Uint8Array => dagCbor.encode([dagCbor.encode(fields), signature]);
  const cases: Array<[Uint8Array, RegExp]> = [
    [new Uint8Array([0xff, 0x00]), /not canonical CBOR/],
    [dagCbor.encode([1, 2, 3]), /not \[payload, signature\]/],
    [wrap([1, 2, 3]), /not a map/],
    [wrap({ ...wire, v: 2 }), /version/],
    [wrap({ ...wire, extra: 1 }), /unknown field/],
    [wrap({ ...wire, a: new Uint8Array(19) }), /author/],
    [wrap({ ...wire, t: -5 }), /time/],
    [wrap({ ...wire, k: 'Vote!' }), /kind/],
    [wrap({ ...wire, p: [new Uint8Array(32).fill(3), new Uint8Array(32).fill(2)] }), /sorted/],
    [wrap({ ...wire, d: null }), /genesis/],
    [wrap(wire, new Uint8Array(3)), /65 bytes/],
    [new Uint8Array(20_000), /bytes/],
  ];
  for (const [bytes, reason] of cases) {
    assert.throws(() => decodeRecord(bytes), (error: Error & { code?: string }) => error.code === 'BAD_REQUEST' && reason.test(error.message), reason.source);
  }
  assert.throws(() => decodeRecord(dagCbor.encode(wire)), /not \[payload, signature\]/);
});

test('record ids are the unpadded base64url of the hash, as the generic codec gives it, and decode back', () => {
  for (let i = 0; i < 2000; i++) {
    const hash = sha256(new Uint8Array([i & 255, i >> 8, 7]));
    const id = recordIdFromHash(hash);
    assert.equal(id, base64urlnopad.encode(hash));
    assert.deepEqual(recordHashFromId(id), hash);
  }
});
