// The one-record update: recognised only when Yjs decodes it as one new ledger item with no neighbours and no
// deletions, and integrated into a document exactly as Y.applyUpdate would (same document, same events).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import * as Y from 'yjs';
import { createDaoDoc, daoText, ledgerMap, localUpdate } from './dao-doc.ts';
import { integrateSingleRecord, keyIs, readSingleRecordUpdate } from './single-record-update.ts';
import { DaomeshError } from '../errors.ts';

/** A writer's update that sets `key` to `bytes`, after `earlier` other keys (so at clock `earlier`). */
function oneSet(client: number, key: string, bytes: Uint8Array, earlier = 0): Uint8Array {
  const writer = createDaoDoc();
  writer.clientID = client;
  for (let i = 0; i < earlier; i++) ledgerMap(writer).set(`earlier-${i}`, new Uint8Array([i]));
  const update = localUpdate(writer, () => ledgerMap(writer).set(key, bytes));
  assert.ok(update);
  return update;
}

function varUint(value: number, padding = 0): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0 || padding > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  // lib0 reads continuation bytes of zero as part of the number: a longer spelling of the same value.
  for (let i = 0; i < padding; i++) out.push(i === padding - 1 ? 0 : 0x80);
  return out;
}

const ascii = (text: string): number[] => [...text].map((character) => character.charCodeAt(0));
const keyText = (key: Uint8Array): string => String.fromCharCode(...key);
const keyArbitrary = fc.stringMatching(/^[A-Za-z0-9_-]{1,127}$/);

/** What Yjs itself reads from `update`: the one item and its parts, or why it is not that. */
function yjsView(update: Uint8Array): { client: number; clock: number; key: string; bytes: Uint8Array } | string {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    return `Yjs cannot decode it: ${String(error)}`;
  }
  if (decoded.structs.length !== 1 || decoded.ds.clients.size !== 0) return 'not one item without deletions';
  const item = decoded.structs[0];
  if (!(item instanceof Y.Item) || item.origin !== null || item.rightOrigin !== null || (item.parent as unknown) !== 'ledger' || typeof item.parentSub !== 'string') return 'not a ledger entry without neighbours';
  if (!(item.content instanceof Y.ContentBinary)) return 'not binary content';
  return { client: item.id.client, clock: item.id.clock, key: item.parentSub, bytes: item.content.content };
}

test("a host's one-record update is recognised, and says what Yjs reads from it", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), keyArbitrary, fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 3 }), (client, key, bytes, earlier) => {
      const update = oneSet(client, key, bytes, earlier);
      const single = readSingleRecordUpdate(update);
      assert.ok(single, 'recognised');
      assert.deepEqual({ client: single.client, clock: single.clock, key: keyText(single.key), bytes: single.bytes }, yjsView(update));
      assert.equal(single.clock, earlier);
      assert.ok(keyIs(single, key));
      assert.ok(!keyIs(single, `${key}x`));
      assert.ok(!keyIs(single, (key[0] === 'a' ? 'b' : 'a') + key.slice(1)));
    }),
    { numRuns: 200 },
  );
});

test('updates of any other shape are not recognised', () => {
  const writer = createDaoDoc();
  writer.clientID = 7;
  const two = localUpdate(writer, () => {
    ledgerMap(writer).set('a', new Uint8Array([1]));
    ledgerMap(writer).set('b', new Uint8Array([2]));
  });
  const overwrite = localUpdate(writer, () => ledgerMap(writer).set('a', new Uint8Array([3]))); // has a left origin
  const text = localUpdate(writer, () => daoText(writer, 'charter').insert(0, 'hello'));
  const textDelete = localUpdate(writer, () => daoText(writer, 'charter').delete(0, 2));
  const recordAndText = localUpdate(writer, () => {
    ledgerMap(writer).set('c', new Uint8Array([4]));
    daoText(writer, 'charter').insert(0, 'x');
  });
  const other = createDaoDoc();
  other.clientID = 8;
  const otherRoot = localUpdate(other, () => other.getMap('elsewhere').set('a', new Uint8Array([5])));
  const json = localUpdate(other, () => ledgerMap(other).set('d', 'not bytes' as unknown as Uint8Array));
  const nonAsciiKey = oneSet(9, 'clé', new Uint8Array([6]));
  const v2 = Y.convertUpdateFormatV1ToV2(oneSet(9, 'key', new Uint8Array([6])));
  const honest = oneSet(9, 'key', new Uint8Array([6]));
  for (const [name, update] of Object.entries({ two, overwrite, text, textDelete, recordAndText, otherRoot, json, nonAsciiKey, v2 })) {
    assert.ok(update, name);
    assert.equal(readSingleRecordUpdate(update), null, name);
  }
  assert.equal(readSingleRecordUpdate(new Uint8Array([...honest, 0])), null, 'a trailing byte');
  assert.equal(readSingleRecordUpdate(honest.subarray(0, honest.length - 1)), null, 'cut short');
  assert.equal(readSingleRecordUpdate(new Uint8Array(0)), null, 'empty');
});

test('whatever is recognised, Yjs reads the same: hand-made spellings and mutated honest updates', () => {
  // By hand: the encoding with any client and clock (also in longer spellings lib0 accepts), a content length
  // off by a little, and bytes after the end.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.integer({ min: 0, max: 2 }),
      keyArbitrary,
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: -2, max: 2 }),
      fc.uint8Array({ maxLength: 2 }),
      (client, clock, padding, key, bytes, lengthOff, after) => {
        const length = Math.max(0, bytes.length + lengthOff);
        const update = new Uint8Array([1, 1, ...varUint(client, padding), ...varUint(clock, padding), 0x23, 1, 6, ...ascii('ledger'), key.length, ...ascii(key), ...varUint(length), ...bytes, 0, ...after]);
        const single = readSingleRecordUpdate(update);
        if (lengthOff === 0 && after.length === 0) assert.ok(single, 'the exact encoding is recognised');
        if (single !== null) assert.deepEqual({ client: single.client, clock: single.clock, key: keyText(single.key), bytes: single.bytes }, yjsView(update));
      },
    ),
    { numRuns: 500 },
  );
  // Mutated: bytes flipped, inserted, removed.
  const honest = oneSet(123_456_789, 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde', new Uint8Array(200).map((_, i) => i), 5);
  fc.assert(
    fc.property(fc.array(fc.record({ at: fc.nat(honest.length), kind: fc.constantFrom('flip', 'insert', 'remove'), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 3 }), (edits) => {
      const bytes = [...honest];
      for (const { at, kind, byte } of edits) {
        const where = Math.min(at, bytes.length - 1);
        if (kind === 'flip') bytes[where] = byte;
        else if (kind === 'insert') bytes.splice(where, 0, byte);
        else bytes.splice(where, 1);
      }
      const update = new Uint8Array(bytes);
      const single = readSingleRecordUpdate(update);
      if (single !== null) assert.deepEqual({ client: single.client, clock: single.clock, key: keyText(single.key), bytes: single.bytes }, yjsView(update));
    }),
    { numRuns: 2000 },
  );
});

test('integrating one-record updates makes the same document and the same events as Y.applyUpdate', () => {
  // Three writers; their updates arrive interleaved, each writer's in order, in frames of a few inside one transaction.
  const writers = [11, 12, 13].map((client) => {
    const doc = createDaoDoc();
    doc.clientID = client;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (let i = 0; i < 30; i++) {
    const writer = writers[i % 3]!;
    const update = localUpdate(writer, () => ledgerMap(writer).set(`record-${i}`, new Uint8Array([i, i + 1, i + 2])));
    assert.ok(update);
    updates.push(update);
  }
  const fast = createDaoDoc();
  const yjs = createDaoDoc();
  const seen = (doc: Y.Doc): string[] => {
    const events: string[] = [];
    doc.on('update', (update: Uint8Array, origin: unknown) => events.push(`update ${bytesToHex(update)} ${String(origin)}`));
    ledgerMap(doc).observe((event) => events.push(`ledger ${[...event.keysChanged].join(',')} local=${event.transaction.local} origin=${String(event.transaction.origin)}`));
    return events;
  };
  const fastEvents = seen(fast);
  const yjsEvents = seen(yjs);
  for (let start = 0; start < updates.length; start += 4) {
    const frame = updates.slice(start, start + 4);
    fast.transact(() => {
      for (const update of frame) {
        const single = readSingleRecordUpdate(update);
        assert.ok(single);
        integrateSingleRecord(fast, single, keyText(single.key), 'remote');
      }
    }, 'remote');
    yjs.transact(() => {
      for (const update of frame) Y.applyUpdate(yjs, update, 'remote');
    }, 'remote');
  }
  // And one outside any transaction: it makes its own, with the origin given.
  const last = localUpdate(writers[0]!, () => ledgerMap(writers[0]!).set('last', new Uint8Array([9])));
  assert.ok(last);
  const single = readSingleRecordUpdate(last);
  assert.ok(single);
  integrateSingleRecord(fast, single, 'last', 'alone');
  Y.applyUpdate(yjs, last, 'alone');

  assert.deepEqual(Y.encodeStateAsUpdate(fast), Y.encodeStateAsUpdate(yjs));
  assert.deepEqual(Y.encodeStateVector(fast), Y.encodeStateVector(yjs));
  assert.deepEqual(fastEvents, yjsEvents);
  assert.equal(ledgerMap(fast).size, 31);
  assert.ok(fastEvents.some((event) => /^ledger last local=false origin=alone$/.test(event)));
});

test('integrating refuses an update that is not the next of its client, and leaves the document as it was', () => {
  const writer = createDaoDoc();
  writer.clientID = 21;
  const first = localUpdate(writer, () => ledgerMap(writer).set('one', new Uint8Array([1])));
  const second = localUpdate(writer, () => ledgerMap(writer).set('two', new Uint8Array([2])));
  assert.ok(first && second);
  const doc = createDaoDoc();
  const before = Y.encodeStateAsUpdate(doc);
  const ahead = readSingleRecordUpdate(second);
  assert.ok(ahead);
  assert.throws(() => integrateSingleRecord(doc, ahead, 'two', 'remote'), (error: unknown) => error instanceof DaomeshError && error.code === 'INTERNAL');
  assert.deepEqual(Y.encodeStateAsUpdate(doc), before);
  const next = readSingleRecordUpdate(first);
  assert.ok(next);
  integrateSingleRecord(doc, next, 'one', 'remote');
  assert.throws(() => integrateSingleRecord(doc, next, 'one', 'remote'), (error: unknown) => error instanceof DaomeshError && error.code === 'INTERNAL');
  assert.equal(ledgerMap(doc).size, 1);
});
