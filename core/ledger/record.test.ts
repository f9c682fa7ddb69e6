import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { memberKeyFromPhrase, signDigest } from '../identity/member-key.ts';
import { encodeSignedBytes } from './signed-bytes.ts';
import {
  addressBytes,
  canonicalDeps,
  decodeRecord,
  encodePayload,
  encodeRecord,
  recordHashFromId,
  recordId,
  recordIdFromHash,
  signRecordAsDevice,
  signRecordAsMember,
  signingMessage,
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
    [wrap({ ...wire, t: 8.64e15 + 1 }), /past the last moment a date can hold/],
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

/** Byte arrays as plain lists, whatever their class (a Buffer's subarray is a Buffer): only content is compared. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

/** What decodeRecord must give, read with the generic DAG-CBOR decoder alone: the record, or 'refused'. */
function viaDecoder(bytes: Uint8Array): unknown {
  try {
    const outer = dagCbor.decode(bytes) as unknown;
    if (!Array.isArray(outer) || outer.length !== 2 || !(outer[0] instanceof Uint8Array) || !(outer[1] instanceof Uint8Array)) return 'refused';
    const wire = dagCbor.decode(outer[0]) as Record<string, unknown>;
    // The shape decodeRecord demands (record.ts fromWire), written out independently.
    const isBytes = (value: unknown, length: number) => value instanceof Uint8Array && value.length === length;
    const isMap = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
    if (!isMap(wire) || wire.v !== 1 || Object.keys(wire).some((key) => !'vdkbaptx'.includes(key) || key.length !== 1)) return 'refused';
    if (!(wire.d === null || isBytes(wire.d, 32)) || typeof wire.k !== 'string' || !isMap(wire.b) || !isBytes(wire.a, 20)) return 'refused';
    if (!Array.isArray(wire.p) || !wire.p.every((dep) => isBytes(dep, 32)) || typeof wire.t !== 'number') return 'refused';
    if (wire.x !== undefined && !(Array.isArray(wire.x) && wire.x.length === 2 && isBytes(wire.x[0], 32) && isBytes(wire.x[1], 32))) return 'refused';
    const record = encodeRecord({
      dao: wire.d as Uint8Array | null,
      kind: wire.k as string,
      body: wire.b as UnsignedRecord['body'],
      author: wire.a as Uint8Array,
      deps: wire.p as Uint8Array[],
      time: wire.t as number,
      device: wire.x ? { key: (wire.x as Uint8Array[])[0]!, delegation: (wire.x as Uint8Array[])[1]! } : undefined,
      sig: outer[1],
    });
    // Only bytes that are exactly the encoding of what they hold count as read the same way.
    if (Buffer.compare(record.bytes, bytes) !== 0) return 'other bytes';
    return plain({ ...record.record, bytes });
  } catch {
    return 'refused';
  }
}

function viaDecodeRecord(bytes: Uint8Array): unknown {
  try {
    const record = decodeRecord(bytes);
    assert.equal(record.id, recordId(bytes));
    return plain({ ...record.record, bytes: record.bytes });
  } catch {
    return 'refused';
  }
}

test('decodeRecord reads well-formed, damaged and oddly encoded records as the generic decoder does', () => {
  const signedOnce = [
    signRecordAsMember(vote(), member.privateKey),
    signRecordAsMember(vote({ kind: 'tally.sign', body: { proposal: new Uint8Array(32).fill(4), votes: [new Uint8Array(32).fill(5)], outcome: 'passed' } }), member.privateKey),
    signRecordAsDevice(vote({ device: { key: new Uint8Array(32).fill(9), delegation: new Uint8Array(32).fill(8) }, deps: [] }), () => new Uint8Array(64).fill(1)),
    signRecordAsMember(vote({ dao: null, kind: 'dao.genesis', body: { name: 'Zoë', founders: [new Uint8Array(20)], n: -5 }, deps: [] }), member.privateKey),
  ].map((record) => record.bytes);
  fc.assert(
    fc.property(fc.constantFrom(...signedOnce), fc.nat(), fc.nat(255), fc.constantFrom('as is', 'flip', 'cut', 'extra', 'insert'), (record, at, byte, damage) => {
      let bytes = record;
      const where = at % bytes.length;
      if (damage === 'flip') bytes = bytes.map((value, index) => (index === where ? byte : value));
      if (damage === 'cut') bytes = bytes.subarray(0, where);
      if (damage === 'extra') bytes = Uint8Array.from([...bytes, byte]);
      if (damage === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, where), byte, ...bytes.subarray(where)]);
      const read = viaDecodeRecord(bytes);
      const expected = viaDecoder(bytes);
      // Bytes the encoder would write otherwise (a non-canonical payload the signature happens to cover) are
      // refused: one record has one encoding, so one id.
      if (expected === 'other bytes') assert.equal(read, 'refused');
      else assert.deepEqual(read, expected);
    }),
    { numRuns: 6000 },
  );
});

test('one record, one encoding: a payload its author wrote any other way is refused, though signed; non-ASCII text is read', () => {
  const encode = (value: unknown) => dagCbor.encode(value);
  const float64 = (value: number) => {
    const bytes = new Uint8Array(9);
    bytes[0] = 0xfb;
    new DataView(bytes.buffer).setFloat64(1, value);
    return bytes;
  };
  const record = vote();
  const fields: Array<[string, Uint8Array]> = [
    ['a', encode(record.author)],
    ['b', encode(record.body)],
    ['d', encode(record.dao)],
    ['k', encode(record.kind)],
    ['p', encode(record.deps)],
    ['t', encode(record.time)],
    ['v', encode(1)],
  ];
  /** A CBOR map of the entries, in the order given: a payload, or a body. */
  const payload = (entries: Array<[string, Uint8Array]>) =>
    Uint8Array.from([0xa0 + entries.length, ...entries.flatMap(([key, value]) => [...encode(key), ...value])]);
  const signed = (bytes: Uint8Array) => encodeSignedBytes(bytes, signDigest(member.privateKey, keccak_256(signingMessage(bytes))));
  const replace = (key: string, value: Uint8Array) => payload(fields.map(([name, old]) => [name, name === key ? value : old]));
  assert.equal(Buffer.compare(payload(fields), encodePayload(record)), 0, 'written as the encoder writes it');
  assert.equal(decodeRecord(signed(payload(fields))).record.kind, 'vote');
  const variants = {
    'keys in reverse order': payload([...fields].reverse()),
    'time as a float': replace('t', float64(record.time)),
    'version as a float': replace('v', float64(1)),
    'body keys in another order': replace('b', payload([['proposal', encode(new Uint8Array(32).fill(1))], ['choice', encode('yes')]])),
  };
  for (const [name, bytes] of Object.entries(variants)) {
    assert.throws(() => decodeRecord(signed(bytes)), /not in canonical form/, name);
  }
  assert.throws(() => decodeRecord(signed(replace('b', payload([['amount', float64(1.5)], ['choice', encode('yes')]])))), /not an integer/);
  // Text beyond ASCII takes the generic decoder's way, and is read.
  const named = signRecordAsMember(vote({ dao: null, kind: 'dao.genesis', body: { name: 'Zoë’s café', founders: [addressBytes(member.address)] }, deps: [] }), member.privateKey);
  assert.equal(decodeRecord(named.bytes).record.body.name, 'Zoë’s café');
});
