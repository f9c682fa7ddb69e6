import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { DaomeshError } from '../errors.ts';
import { createDaoDoc, daoText, ledgerMap, type TextName } from './dao-doc.ts';
import { applyTextSplices, planTextEdit, type TextEditOp } from './text-edit.ts';
import { maxTexts, textsHeld } from './integration-cost.ts';
import { maxTextChars } from './text-limits.ts';
import { applySplice, mapIndex, rebaseSplice, spliceBetween } from './text-splice.ts';

function edit(doc: Y.Doc, name: TextName, ops: TextEditOp[]): void {
  const plan = planTextEdit(doc, name, ops);
  doc.transact(() => applyTextSplices(doc, plan));
}

function position(text: Y.Text, index: number): string {
  return base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index)));
}

function refused(code: string): (error: unknown) => boolean {
  return (error) => error instanceof DaomeshError && error.code === code;
}

test('splices by index apply in the coordinates the caller saw, last first', () => {
  const doc = createDaoDoc();
  edit(doc, 'charter', [{ at: 0, delete: 0, insert: 'Hello world' }]);
  edit(doc, 'charter', [
    { at: 0, delete: 5, insert: 'Goodbye' },
    { at: 6, delete: 5, insert: 'moon' },
  ]);
  assert.equal(daoText(doc, 'charter').toString(), 'Goodbye moon');
});

test("a relative position made on a lagging replica lands before the same character in the host's text", () => {
  const host = createDaoDoc();
  edit(host, 'draft:a', [{ at: 0, delete: 0, insert: 'We meet on Monday.' }]);
  const replica = createDaoDoc();
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(host));
  // The replica lags: the host got a prefix meanwhile.
  edit(host, 'draft:a', [{ at: 0, delete: 0, insert: 'Note: ' }]);
  const text = daoText(replica, 'draft:a');
  const monday = text.toString().indexOf('Monday');
  edit(host, 'draft:a', [{ at: position(text, monday), delete: 6, insert: 'Tuesday' }]);
  assert.equal(daoText(host, 'draft:a').toString(), 'Note: We meet on Tuesday.');
  // The end of the text (a position by root name) is the end of the host's text.
  edit(host, 'draft:a', [{ at: position(text, text.length), delete: 0, insert: ' Bring tea.' }]);
  assert.equal(daoText(host, 'draft:a').toString(), 'Note: We meet on Tuesday. Bring tea.');
});

test('positions in another text, in the ledger, unknown to the host, or not positions at all are refused, and nothing changes', () => {
  const doc = createDaoDoc();
  edit(doc, 'charter', [{ at: 0, delete: 0, insert: 'charter' }]);
  edit(doc, 'draft:b', [{ at: 0, delete: 0, insert: 'draft' }]);
  ledgerMap(doc).set('x', new Uint8Array([1]));
  const before = Y.encodeStateVector(doc);
  const elsewhere = position(daoText(doc, 'draft:b'), 2);
  const { client, clock } = ledgerMap(doc)._map.get('x')!.id;
  const ledgerItem = base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client, clock }, assoc: 0 })));
  const otherRoot = base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(doc.getText('text:draft:zzz'), 0)));
  const unknownItem = base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 12345, clock: 9 }, assoc: 0 })));
  for (const at of [elsewhere, ledgerItem, otherRoot, unknownItem, 'AAAA', '////', 8, -1]) {
    assert.throws(() => planTextEdit(doc, 'charter', [{ at, delete: 0, insert: 'x' }]), refused('BAD_REQUEST'), String(at));
  }
  assert.deepEqual(Y.encodeStateVector(doc), before);
  assert.equal(daoText(doc, 'charter').toString(), 'charter');
});

test('splices out of order are refused; a deletion past the end or into the next splice is cut short', () => {
  const doc = createDaoDoc();
  edit(doc, 'charter', [{ at: 0, delete: 0, insert: 'abcdef' }]);
  assert.throws(() => planTextEdit(doc, 'charter', [{ at: 4, delete: 0, insert: 'x' }, { at: 1, delete: 0, insert: 'y' }]), refused('BAD_REQUEST'));
  edit(doc, 'charter', [{ at: 1, delete: 100, insert: 'X' }, { at: 3, delete: 1, insert: 'Y' }]);
  assert.equal(daoText(doc, 'charter').toString(), 'aXYef');
  edit(doc, 'charter', [{ at: 3, delete: 50, insert: '' }]);
  assert.equal(daoText(doc, 'charter').toString(), 'aXY');
});

test('an edit may not make a text longer than the limit, but may shorten one that is', () => {
  const doc = createDaoDoc();
  edit(doc, 'draft:c', [{ at: 0, delete: 0, insert: 'x'.repeat(maxTextChars) }]);
  assert.throws(() => planTextEdit(doc, 'draft:c', [{ at: 0, delete: 0, insert: 'y' }]), refused('TEXT_TOO_LONG'));
  // A peer's edit made it longer (the gate does not count characters): shortening still works.
  doc.transact(() => daoText(doc, 'draft:c').insert(0, 'zz'));
  edit(doc, 'draft:c', [{ at: 0, delete: 1, insert: '' }]);
  assert.equal(daoText(doc, 'draft:c').length, maxTextChars + 1);
});

test('spliceBetween finds the one changed span and keeps surrogate pairs whole', () => {
  assert.equal(spliceBetween('same', 'same'), null);
  assert.deepEqual(spliceBetween('hello world', 'hello brave world'), { index: 6, delete: 0, insert: 'brave ' });
  assert.deepEqual(spliceBetween('aaa', 'aa'), { index: 2, delete: 1, insert: '' });
  for (const [before, after] of [['a😀b', 'a😁b'], ['😀', '😁'], ['x😀', '😀'], ['😀😀', '😀'], ['ab', 'b😀b']]) {
    const splice = spliceBetween(before!, after!)!;
    assert.equal(applySplice(before!, splice), after);
    assert.ok(!/[\uD800-\uDBFF]$/.test(before!.slice(0, splice.index)), `${before} → ${after}: starts inside a pair`);
  }
});

test('an edit not yet sent moves past a remote edit that arrived first', () => {
  const base = 'We meet on Monday.';
  const remote = spliceBetween(base, 'Note: We meet on Monday.')!;
  const local = spliceBetween(base, 'We meet on Monday at noon.')!;
  assert.equal(applySplice(applySplice(base, remote), rebaseSplice(local, remote)), 'Note: We meet on Monday at noon.');
  // The cursor after the local insertion stays after it.
  assert.equal(mapIndex(base.length - 1, remote), 'Note: We meet on Monday'.length);
  // Overlap: the remote deletion took part of what local meant to replace.
  const overlap = rebaseSplice({ index: 3, delete: 5, insert: 'X' }, { index: 5, delete: 5, insert: '' });
  assert.deepEqual(overlap, { index: 3, delete: 2, insert: 'X' });
});

test(`a new draft is refused on this node once the DAO holds ${maxTexts} texts; existing texts take edits`, () => {
  const doc = createDaoDoc();
  doc.transact(() => {
    for (let i = 0; i < maxTexts; i++) daoText(doc, `draft:d${i}`).insert(0, 'x');
  });
  assert.equal(textsHeld(doc), maxTexts);
  assert.throws(
    () => planTextEdit(doc, 'draft:new', [{ at: 0, delete: 0, insert: 'hello' }]),
    (error: unknown) => error instanceof DaomeshError && error.code === 'BAD_REQUEST' && /holds 4,096 texts/.test(error.message),
  );
  assert.equal(textsHeld(doc), maxTexts, 'reading the new draft made no text');
  assert.equal(planTextEdit(doc, 'draft:d7', [{ at: 1, delete: 0, insert: 'y' }]).lengthAfter, 2);
});
