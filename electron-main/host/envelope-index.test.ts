import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64urlnopad } from '@scure/base';
import fc from 'fast-check';
import { envelopeId } from '../../core/dao/envelope.ts';
import { EnvelopeIndex } from './envelope-index.ts';

test("an envelope's id by the native hash is core's envelope id: the ids peers exchange do not change", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      assert.equal(EnvelopeIndex.idOf(bytes), envelopeId(bytes));
    }),
    { numRuns: 300 },
  );
});

test('the index holds each envelope once, in acceptance order, and finds it by bytes or by id', () => {
  const index = new EnvelopeIndex();
  const [a, b, c] = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];
  assert.equal(index.add(a), true);
  assert.equal(index.add(b), true);
  assert.equal(index.add(Uint8Array.from(a)), false, 'the same bytes again');
  assert.equal(index.size, 2);
  assert.ok(index.hasBytes(a) && index.has(EnvelopeIndex.idOf(b)));
  assert.ok(!index.hasBytes(c) && !index.has(EnvelopeIndex.idOf(c)));
  index.add(c);
  const ids = index.ids();
  assert.deepEqual(ids.map((id) => base64urlnopad.encode(id)), [a, b, c].map((bytes) => EnvelopeIndex.idOf(bytes)));
  assert.deepEqual(index.inOrder([ids[2]!, ids[0]!]), [a, c]);
});
