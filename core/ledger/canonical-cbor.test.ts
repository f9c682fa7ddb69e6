// The canonical reader gives what the DAG-CBOR decoder gives, or leaves the bytes to it; what it takes is the
// encoding of what it returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { decodeCanonical } from './canonical-cbor.ts';

function viaDecoder(bytes: Uint8Array): { value: unknown } | 'refused' {
  try {
    return { value: dagCbor.decode(bytes) };
  } catch {
    return 'refused';
  }
}

/** Values of every kind DAG-CBOR has, the reader's and the others (floats, big integers, non-ASCII text, CIDs are not possible here). */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -24, -25, -257),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.uint8Array({ maxLength: 300 }),
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 5 })),
})).node;

test('decodeCanonical gives what the decoder gives, for encoded values of every kind', () => {
  fc.assert(
    fc.property(value, (input) => {
      const bytes = dagCbor.encode(input);
      const quick = decodeCanonical(bytes);
      const slow = viaDecoder(bytes);
      if (quick !== undefined) {
        assert.deepEqual({ value: quick }, slow);
        assert.deepEqual([...dagCbor.encode(quick)], [...bytes]);
      }
    }),
    { numRuns: 3000 },
  );
});

test('decodeCanonical takes encoded maps, lists, ASCII text, bytes and safe integers', () => {
  const simple = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.constant(null), fc.boolean(), fc.maxSafeInteger(), fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), maxLength: 40 }), fc.uint8Array({ maxLength: 70_000 })),
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 6 }).filter((key) => key !== '__proto__' && /^[\0-\x7f]*$/.test(key)), tie('node'), { maxKeys: 5 })),
  })).node;
  fc.assert(
    fc.property(simple, (input) => {
      const bytes = dagCbor.encode(input);
      assert.deepEqual(decodeCanonical(bytes), dagCbor.decode(bytes));
    }),
    { numRuns: 300 },
  );
});

test('decodeCanonical never takes what the decoder refuses or reads otherwise: damaged, cut, extended and random bytes', () => {
  const record = dagCbor.encode({ a: new Uint8Array(20).fill(7), b: { choice: 'yes', proposal: new Uint8Array(32).fill(1) }, d: new Uint8Array(32), k: 'vote', p: [new Uint8Array(32).fill(2)], t: 1_767_225_600_000, v: 1 });
  const damaged = fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('flip', 'cut', 'extra', 'insert')).map(([at, byte, damage]) => {
    const where = at % record.length;
    if (damage === 'flip') return record.map((value, index) => (index === where ? byte : value));
    if (damage === 'cut') return record.subarray(0, where);
    if (damage === 'extra') return Uint8Array.from([...record, byte]);
    return Uint8Array.from([...record.subarray(0, where), byte, ...record.subarray(where)]);
  });
  fc.assert(
    fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), (bytes) => {
      const quick = decodeCanonical(bytes);
      if (quick === undefined) return;
      assert.deepEqual({ value: quick }, viaDecoder(bytes));
      assert.deepEqual([...dagCbor.encode(quick)], [...bytes]);
    }),
    { numRuns: 20_000 },
  );
});

test('decodeCanonical leaves non-minimal lengths, unsorted or repeated keys, trailing bytes and deep nesting to the decoder', () => {
  const leftOver = [
    Uint8Array.from([0x18, 0x05]), // 5 in two bytes
    Uint8Array.from([0x58, 0x01, 0x00]), // one byte with a one-byte length
    Uint8Array.from([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02]), // {b, a}
    Uint8Array.from([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02]), // {a, a}
    Uint8Array.from([0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02]), // {aa, b}: longer key first
    Uint8Array.from([0x01, 0x00]), // trailing byte
    Uint8Array.from([0x9f, 0xff]), // indefinite list
    Uint8Array.from([0x1b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), // 2^53: a BigInt
    Uint8Array.from([0x3b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // -2^53: a BigInt
    Uint8Array.from([0xa1, 0x69, ...new TextEncoder().encode('__proto__'), 0x01]),
    Uint8Array.from([0x62, 0xc3, 0xa9]), // 'é'
    Uint8Array.from([0xf7]), // undefined, which the decoder turns into null
    Uint8Array.from([...new Array(100).fill(0x81), 0x01]), // [[[...1...]]]
  ];
  for (const bytes of leftOver) assert.equal(decodeCanonical(bytes), undefined, `took ${Buffer.from(bytes).toString('hex')}`);
});

test('decodeCanonical returns byte strings as plain Uint8Array views of the input, even of a Buffer', () => {
  const bytes = Buffer.from(dagCbor.encode({ u: Uint8Array.from([1, 2, 3]) }));
  const value = decodeCanonical(bytes) as { u: Uint8Array };
  assert.equal(Object.getPrototypeOf(value.u), Uint8Array.prototype);
  assert.deepEqual([...value.u], [1, 2, 3]);
  assert.equal(value.u.buffer, bytes.buffer);
});

test('short texts come from a cache of texts read before: thousands of colliding ones, read over and over, are each read exactly', () => {
  // More texts than the cache has entries, of every length it keeps and a few past it, so that many share a slot.
  const texts = Array.from({ length: 5000 }, (_, i) => `t${i.toString(36)}${'x'.repeat(i % 40)}`.slice(0, 2 + (i % 36)));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < texts.length; i += 1 + round) {
      const text = texts[(i * 7919) % texts.length]!;
      assert.equal(decodeCanonical(dagCbor.encode({ [text]: text })) !== undefined, true);
      assert.deepEqual(decodeCanonical(dagCbor.encode({ [text]: [text, text] })), { [text]: [text, text] });
    }
  }
  // A text of the same length and hash slot as a cached one, but other characters, is not taken for it.
  assert.equal(decodeCanonical(dagCbor.encode('ab')), 'ab');
  assert.equal(decodeCanonical(dagCbor.encode('ba')), 'ba');
  assert.equal(decodeCanonical(dagCbor.encode('ab\u0080')), undefined);
});
