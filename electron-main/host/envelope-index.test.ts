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

test('the index holds each envelope once with its offset, finds it by bytes or by id, and gives what it is asked for in log order', () => {
  const index = new EnvelopeIndex('log-1');
  const [a, b, c] = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];
  assert.equal(index.add(a, 32, 'log-1'), true);
  assert.equal(index.add(b, 43, 'log-1'), true);
  assert.equal(index.add(Uint8Array.from(a), 53, 'log-1'), false, 'the same bytes again');
  assert.equal(index.add(c, 53, 'log-0'), false, "another log's offset");
  assert.equal(index.size, 2);
  assert.ok(index.hasBytes(a) && index.has(EnvelopeIndex.idOf(b)));
  assert.ok(!index.hasBytes(c) && !index.has(EnvelopeIndex.idOf(c)));
  index.add(c, 53, 'log-1');
  const ids = index.ids();
  assert.deepEqual(ids.map((id) => base64urlnopad.encode(id)), [a, b, c].map((bytes) => EnvelopeIndex.idOf(bytes)));
  const unknown = new Uint8Array(32).fill(9);
  assert.deepEqual(index.find([ids[2]!, unknown, ids[0]!, ids[2]!]), [
    { id: EnvelopeIndex.idOf(a), offset: 32 },
    { id: EnvelopeIndex.idOf(c), offset: 53 },
  ]);
});
