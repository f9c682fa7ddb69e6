import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as Y from 'yjs';
import { memberKeyFromPhrase } from '../identity/member-key.ts';
import { addressBytes, signRecordAsDevice, signRecordAsMember, type LedgerRecord } from '../ledger/record.ts';
import {
  appendRecords,
  applyWholeState,
  createDaoDoc,
  daoText,
  hasRecord,
  ledgerEntries,
  ledgerMap,
  ledgerRecords,
  ledgerSize,
  localUpdate,
  recordBytes,
  textNameOfRoot,
  textNames,
  type TextName,
} from './dao-doc.ts';

const member = memberKeyFromPhrase('test test test test test test test test test test test junk');
const device = ed25519.keygen();
const dao = new Uint8Array(32).fill(7);

function vote(index: number, signer: 'member' | 'device' = 'member'): LedgerRecord {
  const record = {
    dao,
    kind: 'vote',
    body: { proposal: new Uint8Array(32).fill(index % 251), choice: index % 2 === 0 ? 'yes' : 'no' },
    author: addressBytes(member.address),
    deps: [Uint8Array.from({ length: 32 }, (_, j) => (index + j) % 256)],
    time: 1_700_000_000_000 + index,
  };
  return signer === 'member'
    ? signRecordAsMember(record, member.privateKey)
    : signRecordAsDevice({ ...record, device: { key: device.publicKey, delegation: new Uint8Array(32).fill(3) } }, (message) => ed25519.sign(message, device.secretKey));
}

test('appendRecords adds each record once, in one transaction, and skips ids already held', () => {
  const doc = createDaoDoc();
  const [a, b, c] = [vote(1), vote(2), vote(3)];
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  assert.deepEqual(appendRecords(doc, [a!, b!, a!]), [a!.id, b!.id]);
  assert.equal(updates.length, 1);
  const itemBefore = ledgerMap(doc)._map.get(a!.id);
  assert.deepEqual(appendRecords(doc, [a!, c!]), [c!.id]);
  assert.equal(ledgerMap(doc)._map.get(a!.id), itemBefore, 'an existing key is never set again');
  assert.equal(appendRecords(doc, [a!, b!]).length, 0);
  assert.equal(updates.length, 2, 'appending only known records changes nothing');
  assert.equal(ledgerSize(doc), 3);
  assert.ok(hasRecord(doc, b!.id));
  assert.deepEqual(recordBytes(doc, b!.id), Uint8Array.from(b!.bytes));
  assert.deepEqual(new Set([...ledgerRecords(doc)].map((record) => record.id)), new Set([a!.id, b!.id, c!.id]));
  assert.deepEqual(new Set([...ledgerEntries(doc)].map(([id]) => id)), new Set([a!.id, b!.id, c!.id]));
});

test('appendRecords stores record bytes that are a Uint8Array subclass (a Buffer from the CBOR encoder) as plain bytes', () => {
  class Bytes extends Uint8Array {}
  const record = vote(4);
  const doc = createDaoDoc();
  appendRecords(doc, [{ ...record, bytes: Bytes.from(record.bytes) }]);
  assert.equal(recordBytes(doc, record.id)?.constructor, Uint8Array);
});

test('localUpdate returns exactly the update of one local transaction, which rebuilds the change elsewhere', () => {
  const doc = createDaoDoc();
  const update = localUpdate(doc, () => {
    appendRecords(doc, [vote(5)]);
    daoText(doc, 'charter').insert(0, 'We build bridges.');
  });
  assert.ok(update);
  const replica = createDaoDoc();
  Y.applyUpdate(replica, update);
  assert.ok(hasRecord(replica, vote(5).id));
  assert.equal(daoText(replica, 'charter').toString(), 'We build bridges.');
  assert.equal(localUpdate(doc, () => appendRecords(doc, [vote(5)])), null);
  assert.throws(() => doc.transact(() => localUpdate(doc, () => undefined)), /inside a transaction/);
});

test('texts are root Y.Texts named text:<name>; only charter and draft:<id> are texts of the schema', () => {
  const doc = createDaoDoc();
  daoText(doc, 'draft:abc_DEF-1').insert(0, 'draft');
  daoText(doc, 'charter').insert(0, 'charter');
  assert.deepEqual(textNames(doc), ['charter', 'draft:abc_DEF-1']);
  assert.equal(textNameOfRoot('text:charter'), 'charter');
  assert.equal(textNameOfRoot('text:draft:'), null);
  assert.equal(textNameOfRoot('ledger'), null);
  assert.throws(() => daoText(doc, 'draft:no spaces' as TextName), /Not a text/);
  assert.throws(() => daoText(doc, 'notes' as TextName), /Not a text/);
});

test('two peers appending the same record concurrently converge on one copy of it', () => {
  const record = vote(6, 'device');
  const [left, right] = [createDaoDoc(), createDaoDoc()];
  const fromLeft = localUpdate(left, () => appendRecords(left, [record]))!;
  const fromRight = localUpdate(right, () => appendRecords(right, [record]))!;
  Y.applyUpdate(left, fromRight);
  Y.applyUpdate(right, fromLeft);
  for (const doc of [left, right]) {
    assert.equal(ledgerSize(doc), 1);
    assert.deepEqual(recordBytes(doc, record.id), Uint8Array.from(record.bytes));
  }
});

test('Yjs bytes per ledger entry vs the record bytes (printed, not asserted)', (t) => {
  const count = 1000;
  for (const signer of ['device', 'member'] as const) {
    const records = Array.from({ length: count }, (_, index) => vote(index, signer));
    const recordTotal = records.reduce((sum, record) => sum + record.bytes.length, 0);
    const oneTransaction = createDaoDoc();
    appendRecords(oneTransaction, records);
    const perRecord = createDaoDoc();
    let updateTotal = 0;
    for (const record of records) updateTotal += localUpdate(perRecord, () => appendRecords(perRecord, [record]))!.length;
    const state = Y.encodeStateAsUpdate(oneTransaction).length;
    t.diagnostic(
      `ledger bytes, ${count} ${signer}-signed votes of ${(recordTotal / count).toFixed(0)} B: ` +
        `encodeStateAsUpdate ${(state / recordTotal).toFixed(3)}x (${((state - recordTotal) / count).toFixed(1)} B/entry over the record), ` +
        `V2 ${(Y.encodeStateAsUpdateV2(oneTransaction).length / recordTotal).toFixed(3)}x, ` +
        `one update per record ${(updateTotal / recordTotal).toFixed(3)}x (goal <= 1.2x)`,
    );
    assert.equal(ledgerSize(oneTransaction), count);
  }
});

test('applyWholeState builds the same doc as Y.applyUpdate, its records views of the state, and the doc takes later updates', () => {
  const source = createDaoDoc();
  appendRecords(source, [vote(1), vote(2, 'device'), vote(3)]);
  source.transact(() => daoText(source, 'charter').insert(0, 'We build bridges.'));
  source.transact(() => daoText(source, 'charter').delete(3, 6));
  const state = Y.encodeStateAsUpdate(source);
  const copied = createDaoDoc();
  Y.applyUpdate(copied, state);
  const viewed = createDaoDoc();
  applyWholeState(viewed, state, 'snapshot');
  assert.deepEqual(Y.encodeStateAsUpdate(viewed), Y.encodeStateAsUpdate(copied));
  assert.equal(daoText(viewed, 'charter').toString(), 'We bridges.');
  const entries = [...ledgerEntries(viewed)];
  assert.equal(entries.length, 3);
  for (const [id, bytes] of entries) {
    assert.equal(bytes.buffer, state.buffer, 'a view of the state, not a copy');
    assert.deepEqual(bytes, recordBytes(source, id));
  }
  // Strings other than short ASCII ones (map keys and text) come out as Yjs reads them.
  const strings = createDaoDoc();
  const long = 'x'.repeat(64) + 'y'.repeat(70);
  strings.transact(() => {
    daoText(strings, 'charter').insert(0, 'Grüße, 世界! 🌉 ');
    daoText(strings, 'charter').insert(0, long);
    daoText(strings, `draft:${'d'.repeat(64)}`).insert(0, '');
    strings.getMap('other').set('ключ', 'значение');
    strings.getMap('other').set('', '');
  });
  const fromStrings = createDaoDoc();
  applyWholeState(fromStrings, Y.encodeStateAsUpdate(strings));
  assert.equal(daoText(fromStrings, 'charter').toString(), `${long}Grüße, 世界! 🌉 `);
  assert.deepEqual(fromStrings.getMap('other').toJSON(), { ключ: 'значение', '': '' });
  assert.deepEqual(Y.encodeStateAsUpdate(fromStrings), Y.encodeStateAsUpdate(strings));
  // A state inside a larger buffer is copied first: the records pin nothing else.
  const pooled = new Uint8Array(state.length + 16);
  pooled.set(state, 8);
  const fromPool = createDaoDoc();
  applyWholeState(fromPool, pooled.subarray(8, 8 + state.length));
  for (const [, bytes] of ledgerEntries(fromPool)) assert.notEqual(bytes.buffer, pooled.buffer);
  assert.deepEqual(Y.encodeStateAsUpdate(fromPool), Y.encodeStateAsUpdate(copied));
  // Later changes apply on top, and the doc's own updates reach a copy.
  const later = vote(4);
  const update = localUpdate(source, () => appendRecords(source, [later]))!;
  Y.applyUpdate(viewed, update);
  assert.ok(hasRecord(viewed, later.id));
  const reply = localUpdate(viewed, () => daoText(viewed, 'charter').insert(0, 'Now: '))!;
  Y.applyUpdate(copied, update);
  Y.applyUpdate(copied, reply);
  assert.equal(daoText(copied, 'charter').toString(), 'Now: We bridges.');
});
