// The gate bounds what applying an update costs Yjs by what the update holds: text items, characters and texts,
// each record set once, and copies of a ledger record. A crafted update of thousands of items at one place is
// refused before it is applied, alike on every node; honest edits, concurrent ones at one place included, go in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { memberKeyFromPhrase, type MemberKey } from '../identity/member-key.ts';
import { addressBytes, signRecordAsMember } from '../ledger/record.ts';
import { pureEd25519Verify } from '../ledger/verifier.ts';
import { appendRecords, createDaoDoc, daoText, hasRecord, ledgerMap, localUpdate } from './dao-doc.ts';
import { sealEnvelopeAsMember } from './envelope.ts';
import type { GateRejectionCode } from './gate-rejection.ts';
import { maxInsertedChars, maxLedgerCopies, maxTextItems, maxTextsPerUpdate } from './integration-cost.ts';
import { maxTextOps } from './text-limits.ts';
import { applyCheckedEnvelope, checkEnvelope, type GateContext } from './update-gate.ts';
import { yjsClientOf } from './yjs-client.ts';

const founder = memberKeyFromPhrase('test test test test test test test test test test test junk');
const member = memberKeyFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');
const time = 1_700_000_000_000;
const genesis = signRecordAsMember(
  { dao: null, kind: 'dao.genesis', body: { name: 'Costly', founders: [addressBytes(founder.address), addressBytes(member.address)] }, author: addressBytes(founder.address), deps: [], time },
  founder.privateKey,
);
const dao = genesis.id;
const members = new Set([founder.address, member.address]);
const context: GateContext = { dao, isMember: (address) => members.has(address), verifyEd25519: pureEd25519Verify };

let clients = 0;
/** A replica of `source` writing as the next unused Yjs client of `author`. */
function writer(source: Y.Doc, author: MemberKey = member): Y.Doc {
  const doc = createDaoDoc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  doc.clientID = yjsClientOf(addressBytes(author.address), clients++ % 256);
  return doc;
}

function sealed(update: Uint8Array, author: MemberKey = member): Uint8Array {
  return sealEnvelopeAsMember(dao, update, author).bytes;
}

function accept(doc: Y.Doc, envelope: Uint8Array): void {
  const result = checkEnvelope(doc, envelope, context);
  if (!result.ok) assert.fail(`refused: ${result.reason.code}: ${result.reason.message}`);
  applyCheckedEnvelope(doc, result, 'remote');
}

function refuse(doc: Y.Doc, envelope: Uint8Array, code: GateRejectionCode): string {
  const before = Y.encodeStateAsUpdate(doc);
  const result = checkEnvelope(doc, envelope, context);
  if (result.ok) assert.fail(`accepted, but ${code} was expected`);
  assert.equal(result.reason.code, code, result.reason.message);
  assert.deepEqual(Y.encodeStateAsUpdate(doc), before, 'a refused envelope leaves the document unchanged');
  return result.reason.message;
}

/** A peer holding the genesis and a charter of one item, written by the founder. */
function founded(): Y.Doc {
  const founderDoc = createDaoDoc();
  founderDoc.clientID = yjsClientOf(addressBytes(founder.address), 0);
  const update = localUpdate(founderDoc, () => {
    appendRecords(founderDoc, [genesis]);
    daoText(founderDoc, 'charter').insert(0, 'We build bridges.');
  })!;
  const peer = createDaoDoc();
  accept(peer, sealed(update, founder));
  return peer;
}

/** The charter's item (one struct: the founder typed it at once). */
function charterItem(doc: Y.Doc): Y.ID {
  return daoText(doc, 'charter')._start!.id;
}

/** A V1 update of one client block: string items after `origin` with no right neighbour named, as crafted by hand. */
function itemsAfter(client: number, clock: number, origin: Y.ID, count: number): Uint8Array {
  const bytes: number[] = [];
  const varUint = (value: number) => {
    while (value > 127) {
      bytes.push(0x80 | value % 128);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
  };
  varUint(1);
  varUint(count);
  varUint(client);
  varUint(clock);
  for (let i = 0; i < count; i++) {
    bytes.push(0x80 | 4); // a left origin, string content
    varUint(origin.client);
    varUint(origin.clock);
    varUint(1);
    bytes.push(0x78); // 'x'
  }
  varUint(0); // no deletions
  return Uint8Array.from(bytes);
}

test('an envelope of items that all name one left neighbour holds at most as many as an edit makes, judged alike on every node', () => {
  const origin = (peer: Y.Doc) => ({ client: charterItem(peer).client, clock: charterItem(peer).clock + 1 });
  const client = (n: number) => yjsClientOf(addressBytes(member.address), 100 + n);
  // The 208-second envelope held 20,000 such items; one of 257 is refused by its size alone.
  const peer = founded();
  refuse(peer, sealed(itemsAfter(client(0), 0, origin(peer), maxTextItems + 1)), 'TOO_COSTLY');
  // Envelopes within the bound go in, in either order: no node refuses what another takes.
  const [first, second] = [sealed(itemsAfter(client(1), 0, origin(peer), maxTextItems)), sealed(itemsAfter(client(2), 0, origin(peer), maxTextItems))];
  const [one, other] = [founded(), founded()];
  accept(one, first);
  accept(one, second);
  accept(other, second);
  accept(other, first);
  assert.equal(daoText(one, 'charter').toString(), daoText(other, 'charter').toString());
});

test(`an update may insert at most ${maxTextItems} text items and ${maxInsertedChars} characters`, () => {
  const peer = founded();
  const origin = charterItem(peer);
  refuse(peer, sealed(itemsAfter(yjsClientOf(addressBytes(member.address), 50), 0, origin, maxTextItems + 1)), 'TOO_COSTLY');
  accept(peer, sealed(itemsAfter(yjsClientOf(addressBytes(member.address), 51), 0, origin, maxTextItems)));
  const long = writer(peer);
  const tooLong = localUpdate(long, () => daoText(long, 'charter').insert(0, 'y'.repeat(maxInsertedChars + 1)))!;
  assert.match(refuse(peer, sealed(tooLong), 'TOO_COSTLY'), /characters/);
  const fits = writer(peer);
  accept(peer, sealed(localUpdate(fits, () => daoText(fits, 'charter').insert(0, 'y'.repeat(maxInsertedChars)))!));
});

test('honest edits go in: the most splices an edit makes, and members typing at one place concurrently, in either order', () => {
  const base = founded();
  const [alice, bob] = [writer(base, founder), writer(base, member)];
  // Each types a paragraph a keystroke at a time at the same place, then makes an edit of maxTextOps splices there.
  const typed = (doc: Y.Doc) => {
    const updates: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) updates.push(localUpdate(doc, () => daoText(doc, 'charter').insert(3 + i, String.fromCharCode(97 + (i % 26))))!);
    updates.push(localUpdate(doc, () => {
      for (let splice = 0; splice < maxTextOps; splice++) daoText(doc, 'charter').insert(3 + splice * 2, '!');
    })!);
    return updates;
  };
  const fromAlice = typed(alice).map((update) => sealed(update, founder));
  const fromBob = typed(bob).map((update) => sealed(update));
  const [first, second] = [founded(), founded()];
  for (const envelope of [...fromAlice, ...fromBob]) accept(first, envelope);
  for (const envelope of [...fromBob, ...fromAlice]) accept(second, envelope);
  assert.equal(daoText(first, 'charter').toString(), daoText(second, 'charter').toString());
  assert.equal(daoText(first, 'charter').length, 17 + 2 * (300 + maxTextOps));
});

test(`a ledger record takes at most ${maxLedgerCopies} copies, and one update sets a record once`, () => {
  const peer = founded();
  const record = signRecordAsMember({ dao: genesis.hash, kind: 'vote', body: { proposal: new Uint8Array(32).fill(1), choice: 'yes' }, author: addressBytes(member.address), deps: [genesis.hash], time: time + 1 }, member.privateKey);
  const copy = () => {
    const doc = writer(founded());
    return sealed(localUpdate(doc, () => appendRecords(doc, [record]))!);
  };
  for (let n = 0; n < maxLedgerCopies; n++) accept(peer, copy());
  assert.ok(hasRecord(peer, record.id));
  assert.match(refuse(peer, copy(), 'TOO_COSTLY'), /copies/);

  const twice = writer(founded());
  const once = localUpdate(twice, () => appendRecords(twice, [record]))!;
  const again = localUpdate(twice, () => ledgerMap(twice).set(record.id, Uint8Array.from(record.bytes)))!;
  assert.match(refuse(founded(), sealed(Y.mergeUpdates([once, again])), 'MALFORMED_UPDATE'), /twice/);
});

test(`an update writes to at most ${maxTextsPerUpdate} texts, whatever the document holds`, () => {
  const peer = founded();
  const drafts = writer(peer);
  let next = 0;
  const writing = (count: number) => {
    const update = localUpdate(drafts, () => {
      for (let i = 0; i < count; i++) daoText(drafts, `draft:d${next++}`).insert(0, 'x');
    })!;
    return sealed(update);
  };
  assert.match(refuse(peer, writing(maxTextsPerUpdate + 1), 'TOO_COSTLY'), /writes to 5 texts/);
  const fresh = writer(peer);
  accept(peer, sealed(localUpdate(fresh, () => {
    for (let i = 0; i < maxTextsPerUpdate; i++) daoText(fresh, `draft:f${i}`).insert(0, 'x');
  })!));
  assert.equal(daoText(peer, 'draft:f3').toString(), 'x');
});
