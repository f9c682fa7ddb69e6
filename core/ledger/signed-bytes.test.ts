// [payload, signature] read straight off canonical bytes is what the DAG-CBOR decoder gives; anything else
// is left to the decoder, so nothing it refuses gets through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as dagCbor from '@ipld/dag-cbor';
import { decodeSignedBytes, encodeSignedBytes } from './signed-bytes.ts';

function viaDecoder(bytes: Uint8Array): { payload: number[]; signature: number[]; fields: unknown } | string {
  try {
    const outer = dagCbor.decode(bytes) as unknown;
    if (!Array.isArray(outer) || outer.length !== 2 || !(outer[0] instanceof Uint8Array) || !(outer[1] instanceof Uint8Array)) return 'refused';
    return { payload: [...outer[0]], signature: [...outer[1]], fields: dagCbor.decode(outer[0]) };
  } catch {
    return 'refused';
  }
}

function viaSignedBytes(bytes: Uint8Array): { payload: number[]; signature: number[]; fields: unknown } | string {
  try {
    const signed = decodeSignedBytes(bytes);
    return { payload: [...signed.payload], signature: [...signed.signature], fields: signed.fields };
  } catch {
    return 'refused';
  }
}

test('decodeSignedBytes agrees with the decoder on well-formed, oddly encoded and damaged bytes', () => {
  const payload = fc.oneof(
    fc.constant(dagCbor.encode({ a: 1 })),
    fc.string({ maxLength: 400 }).map((text) => dagCbor.encode({ k: text })),
    fc.uint8Array({ maxLength: 300 }),
  );
  const signature = fc.uint8Array({ minLength: 0, maxLength: 70 });
  fc.assert(
    fc.property(payload, signature, fc.nat(), fc.nat(255), fc.constantFrom('as is', 'flip', 'cut', 'extra', 'long header'), (body, sig, at, byte, damage) => {
      let bytes = encodeSignedBytes(body, sig);
      if (damage === 'flip') bytes = bytes.map((value, index) => (index === at % bytes.length ? byte : value));
      if (damage === 'cut') bytes = bytes.subarray(0, at % bytes.length);
      if (damage === 'extra') bytes = Uint8Array.from([...bytes, byte]);
      // A length written with more bytes than it needs: not canonical, so refused by both.
      if (damage === 'long header' && body.length < 24) bytes = Uint8Array.from([0x82, 0x58, body.length, ...body, ...bytes.subarray(2 + body.length)]);
      assert.deepEqual(viaSignedBytes(bytes), viaDecoder(bytes));
    }),
    { numRuns: 3000 },
  );
});
