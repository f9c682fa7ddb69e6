// Adversarial tests of the update gate: real member keys, real Ed25519 device keys, real Y.Docs. Every
// rejection is checked for its code and for leaving the document exactly as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import * as Y from 'yjs';
import { memberKeyFromPhrase, type MemberKey } from '../identity/member-key.ts';
import { addressBytes, canonicalDeps, recordId, recordIdFromHash, signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../ledger/record.ts';
import { pureEd25519Verify } from '../ledger/verifier.ts';
import { appendRecords, createDaoDoc, daoText, hasRecord, ledgerEntries, ledgerMap, localUpdate, recordBytes } from './dao-doc.ts';
import { deviceDelegation } from './device-delegation.ts';
import { decodeEnvelope, maxUpdateBytes, sealEnvelopeAsDevice, sealEnvelopeAsMember } from './envelope.ts';
import { readSingleRecordUpdate } from './single-record-update.ts';
import { clientsPerKey, yjsClientOf } from './yjs-client.ts';
import { waitsForCatchUp, type GateRejectionCode } from './gate-rejection.ts';
import { applyCheckedEnvelope, checkEnvelope, maxRecordsPerEnvelope, type AcceptedEnvelope, type GateContext } from './update-gate.ts';
import { maxDeleteRanges, ViewingUpdateDecoder, withExpectedTexts } from './update-structure.ts';

const founder = memberKeyFromPhrase('test test test test test test test test test test test junk');
const member = memberKeyFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');
const stranger = memberKeyFromPhrase('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const time = 1_700_000_000_000;

const genesis = signRecordAsMember(
  { dao: null, kind: 'dao.genesis', body: { name: 'Bridge builders', founders: [addressBytes(founder.address), addressBytes(member.address)] }, author: addressBytes(founder.address), deps: [], time },
  founder.privateKey,
);
const dao = genesis.id;
const members = new Set([founder.address, member.address]);
const context: GateContext = { dao, isMember: (address) => members.has(address), verifyEd25519: pureEd25519Verify };

let sequence = 0;
function unsignedVote(author: MemberKey, overrides: Partial<UnsignedRecord> = {}): UnsignedRecord {
  sequence++;
  return { dao: genesis.hash, kind: 'vote', body: { proposal: new Uint8Array(32).fill(sequence % 251), choice: 'yes' }, author: addressBytes(author.address), deps: [genesis.hash], time: time + sequence, ...overrides };
}

function vote(author: MemberKey, overrides: Partial<UnsignedRecord> = {}): LedgerRecord {
  return signRecordAsMember(unsignedVote(author, overrides), author.privateKey);
}

type Device = { publicKey: Uint8Array; secretKey: Uint8Array };
function deviceVote(author: MemberKey, device: Device, delegation: Uint8Array, overrides: Partial<UnsignedRecord> = {}): LedgerRecord {
  return signRecordAsDevice({ ...unsignedVote(author, overrides), device: { key: device.publicKey, delegation } }, (message) => ed25519.sign(message, device.secretKey));
}

/** Deps on top of `previous`, the record the same Yjs client wrote before (the gate requires it: client-sequence.ts). */
function after(previous: LedgerRecord): Partial<UnsignedRecord> {
  return { deps: canonicalDeps([genesis.hash, previous.hash]) };
}

function delegationFor(author: MemberKey, device: Device): LedgerRecord {
  return signRecordAsMember(deviceDelegation({ dao: genesis.hash, author: addressBytes(author.address), deviceKey: device.publicKey, deps: [genesis.hash], time }), author.privateKey);
}

/** A member's own replica, caught up with `source`: the local writer that makes envelopes. */
function writerFrom(source: Y.Doc): Y.Doc {
  const doc = createDaoDoc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
  return doc;
}

/** Writers here write as the signing key's clients, each writer doc its own, as a host does (yjs-client.ts). */
const clientsTaken = new Map<string, number>();
const writerClients = new WeakMap<Y.Doc, Map<string, number>>();
function writeAsClientOf(doc: Y.Doc, key: Uint8Array): void {
  const name = bytesToHex(key);
  let clients = writerClients.get(doc);
  if (clients === undefined) writerClients.set(doc, (clients = new Map()));
  let client = clients.get(name);
  if (client === undefined) {
    const n = clientsTaken.get(name) ?? 0;
    clientsTaken.set(name, n + 1);
    clients.set(name, (client = yjsClientOf(key, n % clientsPerKey)));
  }
  doc.clientID = client;
}

function sealed(doc: Y.Doc, author: MemberKey, change: () => void): Uint8Array {
  writeAsClientOf(doc, addressBytes(author.address));
  const update = localUpdate(doc, change);
  assert.ok(update, 'the change produced an update');
  return sealEnvelopeAsMember(dao, update, author).bytes;
}

function sealedByDevice(doc: Y.Doc, author: MemberKey, device: Device, delegation: Uint8Array, change: () => void): Uint8Array {
  writeAsClientOf(doc, device.publicKey);
  const update = localUpdate(doc, change)!;
  return sealEnvelopeAsDevice(dao, update, author.address, { key: device.publicKey, delegation }, (message) => ed25519.sign(message, device.secretKey)).bytes;
}

/** The founder's replica after founding, and a peer that accepted the genesis envelope through the gate. */
function founded(): { founderDoc: Y.Doc; peer: Y.Doc; genesisEnvelope: Uint8Array } {
  const founderDoc = createDaoDoc();
  const genesisEnvelope = sealed(founderDoc, founder, () => {
    appendRecords(founderDoc, [genesis]);
    daoText(founderDoc, 'charter').insert(0, 'We build bridges.');
  });
  const peer = createDaoDoc();
  accept(peer, genesisEnvelope);
  return { founderDoc, peer, genesisEnvelope };
}

function accept(doc: Y.Doc, bytes: Uint8Array, gateContext: GateContext = context): AcceptedEnvelope {
  const result = checkEnvelope(doc, bytes, gateContext);
  if (!result.ok) assert.fail(`refused: ${result.reason.code}: ${result.reason.message}`);
  applyCheckedEnvelope(doc, result, 'remote');
  return result;
}

function refuse(doc: Y.Doc, bytes: Uint8Array, code: GateRejectionCode, gateContext: GateContext = context): string {
  const before = Y.encodeStateAsUpdate(doc);
  const result = checkEnvelope(doc, bytes, gateContext);
  if (result.ok) assert.fail(`accepted, but ${code} was expected`);
  assert.equal(result.reason.code, code, result.reason.message);
  assert.match(result.reason.message, /\S.*[.)]$/, 'the reason is a sentence');
  assert.deepEqual(Y.encodeStateAsUpdate(doc), before, 'a refused envelope leaves the document unchanged');
  return result.reason.message;
}

/** A writer of lib0 variable-length unsigned integers, as Yjs's V1 encoding uses them. */
function varUintWriter(bytes: number[]): (value: number) => void {
  return (value) => {
    while (value > 127) {
      bytes.push(0x80 | value % 128);
      value = Math.floor(value / 128);
    }
    bytes.push(value);
  };
}

/** A V1 update holding only a delete set: what a crafted deletion looks like on the wire. */
function deletionUpdate(deletions: Array<{ client: number; clock: number; len: number }>): Uint8Array {
  const bytes: number[] = [];
  const varUint = varUintWriter(bytes);
  varUint(0); // no structs
  varUint(deletions.length);
  for (const { client, clock, len } of deletions) {
    varUint(client);
    varUint(1);
    varUint(clock);
    varUint(len);
  }
  return Uint8Array.from(bytes);
}

function ledgerItemIds(doc: Y.Doc, key: string): Array<{ id: Y.ID; deleted: boolean }> {
  const found: Array<{ id: Y.ID; deleted: boolean }> = [];
  for (const structs of doc.store.clients.values()) {
    for (const struct of structs) {
      if (struct instanceof Y.Item && struct.parentSub === key && struct.parent === ledgerMap(doc)) found.push({ id: struct.id, deleted: struct.deleted });
    }
  }
  return found;
}

test('the genesis envelope is accepted from its founder before anyone is a member, and founds the replica', () => {
  const { founderDoc, peer } = founded();
  assert.ok(hasRecord(peer, dao));
  assert.equal(daoText(peer, 'charter').toString(), 'We build bridges.');
  assert.deepEqual(Y.encodeStateVector(peer), Y.encodeStateVector(founderDoc));
});

test('an honest member envelope with a record and a text edit is accepted, reports its records, and applies', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const record = vote(member);
  const result = accept(
    peer,
    sealed(writer, member, () => {
      appendRecords(writer, [record]);
      daoText(writer, 'charter').insert(0, 'Together: ');
      daoText(writer, 'draft:proposal-1').insert(0, 'Fund the bridge.');
    }),
  );
  assert.deepEqual(result.records.map((entry) => entry.id), [record.id]);
  assert.equal(result.touchesText, true);
  assert.equal(result.envelope.author, member.address);
  assert.deepEqual(recordBytes(peer, record.id), Uint8Array.from(record.bytes));
  assert.equal(daoText(peer, 'charter').toString(), 'Together: We build bridges.');
  assert.equal(daoText(peer, 'draft:proposal-1').toString(), 'Fund the bridge.');
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(writer));
});

test('an envelope inside a larger buffer (a catch-up frame) is taken as its own copy: the frame may change or go', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const record = vote(member);
  const envelope = sealed(writer, member, () => appendRecords(writer, [record]));
  const frame = new Uint8Array(envelope.length + 200);
  frame.set(envelope, 100);
  const result = accept(peer, frame.subarray(100, 100 + envelope.length));
  frame.fill(0);
  assert.deepEqual(recordBytes(peer, record.id), Uint8Array.from(record.bytes), 'the document holds the record as it was');
  assert.deepEqual(Uint8Array.from(result.records[0]!.bytes), Uint8Array.from(record.bytes));
  assert.notEqual(result.records[0]!.bytes.buffer, frame.buffer, 'the record does not keep the frame alive');
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(writer));
});

test("one-record envelopes, alone or several in one transaction, make the same document as Yjs's own apply", () => {
  const { peer } = founded();
  const authors = [founder, member];
  const writers = authors.map(() => writerFrom(peer));
  const last: Array<LedgerRecord | undefined> = [undefined, undefined];
  const envelopes = Array.from({ length: 6 }, (_, i) => {
    const writer = writers[i % 2]!;
    const previous = last[i % 2];
    const record = vote(authors[i % 2]!, previous ? after(previous) : {});
    last[i % 2] = record;
    return sealed(writer, authors[i % 2]!, () => appendRecords(writer, [record]));
  });
  // Host-written one-record updates: the gate integrates their items itself (single-record-update.ts).
  for (const envelope of envelopes) assert.ok(readSingleRecordUpdate(decodeEnvelope(envelope).update));
  const reference = writerFrom(peer);
  for (const envelope of envelopes) Y.applyUpdate(reference, decodeEnvelope(envelope).update, 'remote');
  peer.transact(() => {
    for (const envelope of envelopes.slice(0, 3)) accept(peer, envelope);
  }, 'remote');
  for (const envelope of envelopes.slice(3)) accept(peer, envelope);
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(reference));
  assert.equal([...ledgerEntries(peer)].length, 7);
});

test("a one-record envelope leaves the document its record's bytes alone, not the envelope's: the envelope's copy is garbage once its records are", () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const first = vote(member);
  const records = [first, vote(member, after(first))];
  const owned = sealed(writer, member, () => appendRecords(writer, [records[0]!]));
  const second = sealed(writer, member, () => appendRecords(writer, [records[1]!]));
  const frame = new Uint8Array(second.length + 50);
  frame.set(second, 50);
  const results = [accept(peer, owned), accept(peer, frame.subarray(50))];
  for (const [i, record] of records.entries()) {
    const held = recordBytes(peer, record.id)!;
    assert.deepEqual(held, Uint8Array.from(record.bytes));
    assert.notEqual(held.buffer, owned.buffer, 'not a view of an envelope that owns its buffer');
    assert.notEqual(held.buffer, frame.buffer, 'not a view of the frame');
    assert.notEqual(held.buffer, results[i]!.records[0]!.bytes.buffer, "not a view of the gate's copy of the envelope");
  }
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(writer));
});

test("the apply decoder hands back the gate's id strings only for keys with the same characters: any expectation gives the same document", () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const records = [vote(member), vote(member), vote(member)];
  const update = localUpdate(writer, () => {
    appendRecords(writer, records);
    daoText(writer, 'charter').insert(0, 'Brücken für alle');
  })!;
  const ids = records.map((record) => record.id);
  const expectations: string[][] = [[], ids, [...ids].reverse(), ['x'.repeat(ids[0]!.length), ...ids.slice(1)], ['ü'.repeat(ids[0]!.length)], [...ids, ...ids]];
  for (const texts of expectations) {
    const doc = writerFrom(peer);
    withExpectedTexts(texts, () => Y.applyUpdateV2(doc, update, 'remote', ViewingUpdateDecoder));
    assert.deepEqual([...ledgerEntries(doc)].map(([id]) => id).sort(), [...ids, dao].sort(), `keys with expectation ${texts.length}`);
    for (const record of records) assert.deepEqual(recordBytes(doc, record.id), Uint8Array.from(record.bytes));
    assert.equal(daoText(doc, 'charter').toString(), daoText(writer, 'charter').toString());
    assert.ok(daoText(doc, 'charter').toString().startsWith('Brücken für alle'));
    assert.deepEqual(Y.encodeStateAsUpdate(doc), Y.encodeStateAsUpdate(writer));
  }
});

test('device keys: a delegation and a device-signed record in one envelope, then a device-signed envelope', () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const writer = writerFrom(peer);
  const delegation = delegationFor(member, device);
  const first = accept(peer, sealed(writer, member, () => appendRecords(writer, [delegation, deviceVote(member, device, delegation.hash, after(delegation))])));
  assert.equal(first.records.length, 2);
  const byDevice = deviceVote(member, device, delegation.hash);
  const second = accept(peer, sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [byDevice])));
  assert.deepEqual(second.records.map((record) => record.id), [byDevice.id]);
  assert.equal(second.envelope.device?.key.length, 32);
});

test('a DAO of many devices writing in turn: each device\'s delegation is looked up at its first envelope only', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  writeAsClientOf(writer, addressBytes(member.address));
  const devices = Array.from({ length: 12 }, () => ed25519.keygen());
  // The member delegates them all in one envelope, each record on the one its client wrote before.
  const delegations: LedgerRecord[] = [];
  for (const device of devices) {
    const deps = delegations.length === 0 ? [genesis.hash] : canonicalDeps([genesis.hash, delegations[delegations.length - 1]!.hash]);
    delegations.push(signRecordAsMember(deviceDelegation({ dao: genesis.hash, author: addressBytes(member.address), deviceKey: device.publicKey, deps, time }), member.privateKey));
  }
  accept(peer, sealed(writer, member, () => appendRecords(writer, delegations)));
  let lookups = 0;
  const counting: GateContext = { ...context, acceptedDelegation: () => void lookups++ };
  const last = new Map<Device, LedgerRecord>();
  let afterFirstRound = 0;
  for (let round = 0; round < 3; round++) {
    if (round === 1) afterFirstRound = lookups;
    devices.forEach((device, index) => {
      const previous = last.get(device);
      const record = deviceVote(member, device, delegations[index]!.hash, previous ? after(previous) : {});
      accept(peer, sealedByDevice(writer, member, device, delegations[index]!.hash, () => appendRecords(writer, [record])), counting);
      last.set(device, record);
    });
  }
  assert.ok(afterFirstRound >= devices.length, 'each device\'s first envelope finds its delegation');
  assert.equal(lookups - afterFirstRound, 0, 'later envelopes find it in the cache, however many devices write in turn');
});

test('a bad envelope signature is refused: another key signed, or the signature was altered', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const envelope = sealed(writer, member, () => appendRecords(writer, [vote(member)]));
  const [payload, sig] = dagCbor.decode(envelope) as [Uint8Array, Uint8Array];
  const byStranger = sealEnvelopeAsMember(dao, Uint8Array.from([0, 0]), stranger).sig;
  refuse(peer, dagCbor.encode([payload, byStranger]), 'BAD_SIGNATURE');
  const altered = Uint8Array.from(sig);
  altered[10]! ^= 1;
  refuse(peer, dagCbor.encode([payload, altered]), 'BAD_SIGNATURE');
  const device = ed25519.keygen();
  const deviceWriter = writerFrom(peer);
  const forgedDevice = sealedByDevice(deviceWriter, member, device, delegationFor(member, device).hash, () => appendRecords(deviceWriter, [vote(member)]));
  const [devicePayload] = dagCbor.decode(forgedDevice) as [Uint8Array, Uint8Array];
  refuse(peer, dagCbor.encode([devicePayload, ed25519.sign(devicePayload, ed25519.keygen().secretKey)]), 'BAD_SIGNATURE');
});

test('a genesis that does not list its author among the founders is refused', () => {
  const unlisted = signRecordAsMember({ ...genesis.record, body: { name: 'Not mine', founders: [addressBytes(member.address)] } }, founder.privateKey);
  const doc = createDaoDoc();
  writeAsClientOf(doc, addressBytes(founder.address));
  const update = localUpdate(doc, () => appendRecords(doc, [unlisted]))!;
  refuse(createDaoDoc(), sealEnvelopeAsMember(unlisted.id, update, founder).bytes, 'NOT_A_MEMBER', { ...context, dao: unlisted.id });
});

test("a stranger's envelope is refused, and so is any envelope before the genesis that does not bring it", () => {
  const { peer, founderDoc } = founded();
  const writer = writerFrom(peer);
  refuse(peer, sealed(writer, stranger, () => appendRecords(writer, [vote(stranger)])), 'NOT_A_MEMBER');
  const text = writerFrom(peer);
  refuse(peer, sealed(text, stranger, () => daoText(text, 'charter').insert(0, 'Spam. ')), 'NOT_A_MEMBER');
  const early = createDaoDoc();
  const beforeGenesis = writerFrom(founderDoc);
  refuse(early, sealed(beforeGenesis, member, () => appendRecords(beforeGenesis, [vote(member)])), 'MISSING_UPDATES');
});

test("a record whose author is not the envelope's signer is refused", () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  refuse(peer, sealed(writer, member, () => appendRecords(writer, [vote(founder)])), 'WRONG_AUTHOR');
  // Nor can a member bring the founder's genesis to a new replica in the founder's place,
  // and a second genesis (another DAO's id) is foreign here whoever signs it.
  const other = createDaoDoc();
  const foreignGenesis = signRecordAsMember({ ...genesis.record, body: { name: 'Other' } }, founder.privateKey);
  refuse(createDaoDoc(), sealed(other, member, () => appendRecords(other, [genesis])), 'WRONG_AUTHOR');
  const third = writerFrom(peer);
  refuse(peer, sealed(third, founder, () => appendRecords(third, [foreignGenesis])), 'FOREIGN_RECORD');
});

test('a delegation that passed is taken on trust only once the document holds it, and only for the member and key it names', () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  // The delegation passes inside an envelope that is then refused (a forged record after it): the document never
  // held it, so the device's next envelope, which does not bring it, still finds it missing.
  const forged = signRecordAsDevice({ ...unsignedVote(member, after(delegation)), device: { key: device.publicKey, delegation: delegation.hash } }, (message) => ed25519.sign(message, ed25519.keygen().secretKey));
  const refused = writerFrom(peer);
  refuse(peer, sealed(refused, member, () => appendRecords(refused, [delegation, forged])), 'BAD_RECORD_SIGNATURE');
  const early = writerFrom(peer);
  refuse(peer, sealedByDevice(early, member, device, delegation.hash, () => appendRecords(early, [deviceVote(member, device, delegation.hash)])), 'MISSING_DELEGATION');
  // Once held, the device's envelopes go in, one after another.
  const viaMember = writerFrom(peer);
  accept(peer, sealed(viaMember, member, () => appendRecords(viaMember, [delegation])));
  const writer = writerFrom(peer);
  const first = deviceVote(member, device, delegation.hash);
  accept(peer, sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [first])));
  accept(peer, sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [deviceVote(member, device, delegation.hash, after(first))])));
  // The same delegation named by another key, or by the device for another member, is checked and refused.
  const other = ed25519.keygen();
  const byOther = writerFrom(peer);
  assert.match(refuse(peer, sealedByDevice(byOther, member, other, delegation.hash, () => appendRecords(byOther, [deviceVote(member, other, delegation.hash)])), 'BAD_DELEGATION'), /not delegated/);
  const forFounder = writerFrom(peer);
  assert.match(refuse(peer, sealedByDevice(forFounder, founder, device, delegation.hash, () => appendRecords(forFounder, [deviceVote(founder, device, delegation.hash)])), 'BAD_DELEGATION'), /not delegated/);
});

test('records signed by an undelegated device key are refused', () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const cases: Array<[string, Uint8Array, LedgerRecord[], GateRejectionCode]> = [];
  // No delegation at all: the named id is nowhere (it may yet come, so the envelope waits for catch-up).
  cases.push(['missing', new Uint8Array(32).fill(9), [], 'MISSING_DELEGATION']);
  // A delegation for another device key.
  const otherKey = delegationFor(member, ed25519.keygen());
  cases.push(['other key', otherKey.hash, [otherKey], 'BAD_DELEGATION']);
  // The founder delegated this device, but the record is the member's.
  const foundersDelegation = delegationFor(founder, device);
  const viaFounder = writerFrom(peer);
  accept(peer, sealed(viaFounder, founder, () => appendRecords(viaFounder, [foundersDelegation])));
  cases.push(["another member's", foundersDelegation.hash, [], 'BAD_DELEGATION']);
  // A "delegation" that is some other kind of record.
  const notADelegation = vote(member);
  cases.push(['not a delegation', notADelegation.hash, [notADelegation], 'BAD_DELEGATION']);
  for (const [name, delegationHash, alongside, code] of cases) {
    const writer = writerFrom(peer);
    const message = refuse(peer, sealed(writer, member, () => appendRecords(writer, [...alongside, deviceVote(member, device, delegationHash)])), code);
    assert.match(message, /not delegated|neither in this document/, name);
  }
  // The envelope itself signed by an undelegated device.
  const writer = writerFrom(peer);
  refuse(peer, sealedByDevice(writer, member, device, new Uint8Array(32).fill(4), () => appendRecords(writer, [vote(member)])), 'MISSING_DELEGATION');
  // A device record whose signature was made by another key than the one it names.
  const forger = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const forged = signRecordAsDevice({ ...unsignedVote(member), device: { key: device.publicKey, delegation: delegation.hash } }, (message) => ed25519.sign(message, forger.secretKey));
  const again = writerFrom(peer);
  refuse(peer, sealed(again, member, () => appendRecords(again, [delegation, forged])), 'BAD_RECORD_SIGNATURE');
});

test("a record signed by the envelope's own key is taken on the envelope's signature; by another key, on its own", () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const delegated = writerFrom(peer);
  accept(peer, sealedByDevice(delegated, member, device, delegation.hash, () => appendRecords(delegated, [delegation])));
  // The device's record with a signature its key never made: only that key's holder could have sealed the
  // envelope around these bytes, so its signature is the one that counts, and the record goes in.
  const unsigned = { ...unsignedVote(member), device: { key: device.publicKey, delegation: delegation.hash } };
  const selfBroken = signRecordAsDevice(unsigned, () => new Uint8Array(64).fill(7));
  const writer = writerFrom(peer);
  const accepted = accept(peer, sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [selfBroken])));
  assert.deepEqual(accepted.records.map((record) => record.id), [selfBroken.id]);
  assert.ok(hasRecord(peer, selfBroken.id));
  // The same kind of record under the member's own seal is checked on its own signature, and refused.
  const other = signRecordAsDevice({ ...unsignedVote(member), device: { key: device.publicKey, delegation: delegation.hash } }, () => new Uint8Array(64).fill(7));
  const sealedByMember = writerFrom(peer);
  refuse(peer, sealed(sealedByMember, member, () => appendRecords(sealedByMember, [other])), 'BAD_RECORD_SIGNATURE');
  // And a member-signed record with a broken signature under the member's own seal goes in, as above.
  const memberBroken = signRecordAsMember(unsignedVote(member), founder.privateKey);
  const byMember = writerFrom(peer);
  accept(peer, sealed(byMember, member, () => appendRecords(byMember, [memberBroken])));
  assert.ok(hasRecord(peer, memberBroken.id));
});

test('a record of another DAO is refused', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  refuse(peer, sealed(writer, member, () => appendRecords(writer, [vote(member, { dao: new Uint8Array(32).fill(1) })])), 'FOREIGN_RECORD');
});

test('a record with a broken member signature, or bytes that are no record, are refused', () => {
  const { peer } = founded();
  // Author says member, founder signed; the envelope is by the member's device key, so the record's own
  // signature is what vouches for it, and it is checked.
  const tampered = signRecordAsMember(unsignedVote(member), founder.privateKey);
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const writer = writerFrom(peer);
  refuse(peer, sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [delegation, tampered])), 'BAD_RECORD_SIGNATURE');
  const junk = Uint8Array.from([1, 2, 3]);
  const raw = writerFrom(peer);
  refuse(peer, sealed(raw, member, () => ledgerMap(raw).set(recordId(junk), junk)), 'BAD_RECORD');
});

test('a ledger key that is not the hash of its value is refused', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const record = vote(member);
  refuse(peer, sealed(writer, member, () => ledgerMap(writer).set('A'.repeat(43), Uint8Array.from(record.bytes))), 'BAD_LEDGER_KEY');
  const other = writerFrom(peer);
  refuse(peer, sealed(other, member, () => ledgerMap(other).set('not-an-id', Uint8Array.from(record.bytes))), 'BAD_LEDGER_KEY');
});

test('an overwrite of an existing ledger entry is refused', () => {
  const { peer } = founded();
  const held = vote(member);
  const first = writerFrom(peer);
  accept(peer, sealed(first, member, () => appendRecords(first, [held])));
  const writer = writerFrom(peer);
  refuse(peer, sealed(writer, member, () => ledgerMap(writer).set(held.id, Uint8Array.from(vote(member).bytes))), 'LEDGER_OVERWRITE');
  const viaGenesis = writerFrom(peer);
  refuse(peer, sealed(viaGenesis, founder, () => ledgerMap(viaGenesis).set(dao, Uint8Array.from(vote(founder).bytes))), 'LEDGER_OVERWRITE');
  // Setting the key again to a non-record value is refused for what it is.
  const toText = writerFrom(peer);
  refuse(peer, sealed(toText, member, () => ledgerMap(toText).set(held.id, 'gone' as unknown as Uint8Array)), 'FORBIDDEN_CONTENT');
  assert.deepEqual(recordBytes(peer, held.id), Uint8Array.from(held.bytes));
});

test('deleting a ledger record is refused; deleting text is allowed', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  refuse(peer, sealed(writer, member, () => ledgerMap(writer).delete(dao)), 'LEDGER_DELETE');
  const clear = writerFrom(peer);
  refuse(peer, sealed(clear, member, () => ledgerMap(clear).clear()), 'LEDGER_DELETE');
  const editor = writerFrom(peer);
  const result = accept(peer, sealed(editor, member, () => daoText(editor, 'charter').delete(0, 3)));
  assert.equal(result.touchesText, true);
  assert.deepEqual(result.records, []);
  assert.equal(daoText(peer, 'charter').toString(), 'build bridges.');
  // Typing and deleting in one transaction leaves deleted text items in the update: allowed too.
  const typist = writerFrom(peer);
  accept(peer, sealed(typist, member, () => {
    daoText(typist, 'charter').insert(0, 'oops ');
    daoText(typist, 'charter').delete(0, 5);
    daoText(typist, 'charter').format(0, 5, { bold: true });
  }));
  assert.equal(daoText(peer, 'charter').toString(), 'build bridges.');
});

test('a record set concurrently by two devices: the repeat is accepted; deleting the losing copy is harmless, deleting the value is refused', () => {
  const { peer } = founded();
  const record = vote(member);
  const [laptop, phone] = [writerFrom(peer), writerFrom(peer)];
  const fromLaptop = sealed(laptop, member, () => appendRecords(laptop, [record]));
  const fromPhone = sealed(phone, member, () => appendRecords(phone, [record]));
  assert.equal(accept(peer, fromLaptop).records.length, 1);
  assert.equal(accept(peer, fromPhone).records.length, 0, 'a repeat of a held record is not reported again');
  const copies = ledgerItemIds(peer, record.id);
  assert.equal(copies.length, 2);
  const loser = copies.find((copy) => copy.deleted)!;
  const winner = copies.find((copy) => !copy.deleted)!;
  assert.ok(loser && winner, 'Yjs deleted one of the two identical items');
  const harmless = accept(peer, sealEnvelopeAsMember(dao, deletionUpdate([{ client: loser.id.client, clock: loser.id.clock, len: 1 }]), member).bytes);
  assert.equal(harmless.touchesText, false);
  assert.deepEqual(recordBytes(peer, record.id), Uint8Array.from(record.bytes));
  refuse(peer, sealEnvelopeAsMember(dao, deletionUpdate([{ client: winner.id.client, clock: winner.id.clock, len: 1 }]), member).bytes, 'LEDGER_DELETE');
});

test('a deletion of items not received yet is refused: Yjs would keep it and remove the record when it arrives', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const record = vote(member);
  const stateBefore = Y.getState(writer.store, writer.clientID);
  const delivery = sealed(writer, member, () => appendRecords(writer, [record]));
  const preDeletion = deletionUpdate([{ client: writer.clientID, clock: stateBefore, len: 1 }]);
  // Without the gate: the deletion waits in the store, and the record vanishes the moment it arrives.
  const ungated = writerFrom(peer);
  Y.applyUpdate(ungated, preDeletion);
  Y.applyUpdate(ungated, localUpdateOf(writer, peer));
  assert.equal(hasRecord(ungated, record.id), false);
  // With the gate: refused until the items are here; then refused for what it is.
  refuse(peer, sealEnvelopeAsMember(dao, preDeletion, founder).bytes, 'MISSING_UPDATES');
  accept(peer, delivery);
  refuse(peer, sealEnvelopeAsMember(dao, preDeletion, founder).bytes, 'LEDGER_DELETE');
  assert.ok(hasRecord(peer, record.id));
});

/** `update` (V1, with an empty delete set) with this delete set instead: ranges of one client, as given. */
function withDeleteSet(update: Uint8Array, client: number, ranges: ReadonlyArray<readonly [number, number]>): Uint8Array {
  assert.equal(update[update.length - 1], 0, 'the update ends with an empty delete set');
  const bytes = [...update.subarray(0, update.length - 1)];
  const varUint = varUintWriter(bytes);
  varUint(1);
  varUint(client);
  varUint(ranges.length);
  for (const [clock, len] of ranges) {
    varUint(clock);
    varUint(len);
  }
  return Uint8Array.from(bytes);
}

/** A V1 update of no structs and these delete ranges of one client, in this order. */
function rangesUpdate(client: number, ranges: ReadonlyArray<readonly [number, number]>): Uint8Array {
  return withDeleteSet(Uint8Array.from([0, 0]), client, ranges);
}

function sealedWithDevice(update: Uint8Array, device: Device, delegation: Uint8Array): Uint8Array {
  return sealEnvelopeAsDevice(dao, update, member.address, { key: device.publicKey, delegation }, (message) => ed25519.sign(message, device.secretKey)).bytes;
}

/** A peer holding `count` one-character items of the member's client in the charter (each typed at the front, so none merge). */
function withMemberCharacters(count: number): { peer: Y.Doc; client: number; start: number } {
  const { peer } = founded();
  const writer = writerFrom(peer);
  writeAsClientOf(writer, addressBytes(member.address));
  const client = writer.clientID;
  const start = Y.getState(writer.store, client);
  accept(peer, sealed(writer, member, () => {
    for (let i = 0; i < count; i++) daoText(writer, 'charter').insert(0, 'x');
  }));
  assert.equal(peer.store.clients.get(client)!.length, count, 'one item per character');
  return { peer, client, start };
}

test('a delete set whose ranges repeat, overlap, touch, run out of order or are empty is refused as malformed', () => {
  // Yjs walks (and the gate checked) each range as given: one range repeated R times cost R walks of it.
  const { peer, client, start } = withMemberCharacters(20);
  const cases: Array<[string, Array<[number, number]>]> = [
    ['repeated', [[start, 20], [start, 20], [start, 20]]],
    ['overlapping', [[start, 5], [start + 3, 5]]],
    ['adjacent, not merged', [[start, 2], [start + 2, 2]]],
    ['out of order', [[start + 5, 1], [start, 1]]],
    ['empty', [[start, 0]]],
  ];
  for (const [name, ranges] of cases) {
    assert.match(refuse(peer, sealEnvelopeAsMember(dao, rangesUpdate(client, ranges), member).bytes, 'MALFORMED_UPDATE'), /sorted, merged and apart|empty range/, name);
  }
  // The same client listed twice in the delete set: Yjs joins its ranges into one list, checked as one.
  const twice = deletionUpdate([{ client, clock: start, len: 20 }, { client, clock: start, len: 20 }]);
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, twice, member).bytes, 'MALFORMED_UPDATE'), /sorted, merged and apart/);
  // An update that brings its own items and deletes them over and over: no document history needed.
  const writer = writerFrom(peer);
  writeAsClientOf(writer, addressBytes(member.address));
  const own = localUpdate(writer, () => {
    for (let i = 0; i < 20; i++) daoText(writer, 'draft:p1').insert(0, 'y');
  })!;
  const first = Y.decodeUpdate(own).structs[0]!.id;
  const selfDeleting = withDeleteSet(own, first.client, Array.from({ length: 50 }, () => [first.clock, 20] as const));
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, selfDeleting, member).bytes, 'MALFORMED_UPDATE'), /sorted, merged and apart/);
  // Sorted and apart, the same ranges are what Yjs writes, and go in.
  accept(peer, sealEnvelopeAsMember(dao, rangesUpdate(client, [[start, 1], [start + 2, 3], [start + 6, 1]]), member).bytes);
  assert.equal(daoText(peer, 'charter').toString(), `${'x'.repeat(15)}We build bridges.`);
});

test(`an update may delete at most ${maxDeleteRanges} ranges`, () => {
  const { peer } = founded();
  const apart = (count: number): Array<[number, number]> => Array.from({ length: count }, (_, i) => [2 * i, 1]);
  const over = rangesUpdate(12345, apart(maxDeleteRanges + 1));
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, over, member).bytes, 'MALFORMED_UPDATE'), new RegExp(`at most ${maxDeleteRanges}`));
  // At the cap the ranges are looked at: these name a client this document has never seen.
  refuse(peer, sealEnvelopeAsMember(dao, rangesUpdate(12345, apart(maxDeleteRanges)), member).bytes, 'MISSING_UPDATES');
});

test('honest deletions go in: several ranges in one transaction, ranges of several writers, merged updates', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  accept(peer, sealed(writer, member, () => daoText(writer, 'draft:p1').insert(0, 'abcdefghij')));
  const client = writer.clientID;
  // Scattered characters of one item: three ranges of the member's client.
  const scattered = sealed(writer, member, () => {
    const draft = daoText(writer, 'draft:p1');
    draft.delete(1, 1);
    draft.delete(2, 1);
    draft.delete(3, 2);
  });
  assert.equal(Y.decodeUpdate(decodeEnvelope(scattered).update).ds.clients.get(client)?.length, 3);
  assert.equal(accept(peer, scattered).touchesText, true);
  assert.equal(daoText(peer, 'draft:p1').toString(), 'acehij');
  // The founder deletes from the charter (the founder's items) and from the member's draft in one transaction.
  const editor = writerFrom(peer);
  const both = sealed(editor, founder, () => {
    daoText(editor, 'charter').delete(0, 3);
    daoText(editor, 'charter').delete(6, 1);
    daoText(editor, 'draft:p1').delete(0, 1);
    daoText(editor, 'draft:p1').delete(2, 1);
  });
  assert.equal(Y.decodeUpdate(decodeEnvelope(both).update).ds.clients.size, 2);
  accept(peer, both);
  assert.equal(daoText(peer, 'charter').toString(), 'build ridges.');
  assert.equal(daoText(peer, 'draft:p1').toString(), 'ceij');
  // Two transactions merged into one update (as localUpdate does when observers write in cleanup): Yjs merges
  // their delete sets: the i (clock 8) deleted in one, the j and the k (9 and 10) in the other, make one range.
  Y.applyUpdate(writer, Y.encodeStateAsUpdate(peer));
  writeAsClientOf(writer, addressBytes(member.address));
  const typed = localUpdate(writer, () => {
    daoText(writer, 'draft:p1').insert(0, 'klm');
    daoText(writer, 'draft:p1').delete(5, 1); // the i
  })!;
  const cut = localUpdate(writer, () => {
    daoText(writer, 'draft:p1').delete(5, 1); // the j, next to the i
    daoText(writer, 'draft:p1').delete(0, 1); // the k, typed above
  })!;
  const merged = Y.mergeUpdates([typed, cut]);
  assert.deepEqual(Y.decodeUpdate(merged).ds.clients.get(client)?.map(({ clock, len }) => [clock, len]), [[8, 3]]);
  accept(peer, sealEnvelopeAsMember(dao, merged, member).bytes);
  assert.equal(daoText(peer, 'draft:p1').toString(), 'lmce');
  assert.equal(daoText(peer, 'draft:p1').toString(), daoText(writer, 'draft:p1').toString());
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(writer));
});

test("a stranger's device envelope, naming a member and a delegation it does not have, is refused before its update is looked at", () => {
  const { peer, client, start } = withMemberCharacters(50);
  // A hostile delete set: the member's 50 items, 5,000 times over.
  const hostile = rangesUpdate(client, Array.from({ length: 5000 }, () => [start, 50] as const));
  // From the member's delegated device it is refused for its shape...
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const delegating = writerFrom(peer);
  accept(peer, sealed(delegating, member, () => appendRecords(delegating, [delegation])));
  assert.match(refuse(peer, sealedWithDevice(hostile, device, delegation.hash), 'MALFORMED_UPDATE'), /sorted, merged and apart/);
  // ...from any other key for its delegation, which was checked first: a made-up one, or the member's real
  // delegation of another key.
  const strangerKey = ed25519.keygen();
  assert.match(refuse(peer, sealedWithDevice(hostile, strangerKey, new Uint8Array(32).fill(7)), 'MISSING_DELEGATION'), /neither in this document nor in the update/);
  assert.match(refuse(peer, sealedWithDevice(hostile, strangerKey, delegation.hash), 'BAD_DELEGATION'), /another device key/);
  // So too for an update the structure check would refuse for deleting a record.
  const genesisItem = ledgerItemIds(peer, dao)[0]!.id;
  const ledgerDelete = deletionUpdate([{ client: genesisItem.client, clock: genesisItem.clock, len: 1 }]);
  refuse(peer, sealedWithDevice(ledgerDelete, device, delegation.hash), 'LEDGER_DELETE');
  refuse(peer, sealedWithDevice(ledgerDelete, strangerKey, new Uint8Array(32).fill(7)), 'MISSING_DELEGATION');
});

test("a device's envelope whose delegation another client's update brings waits for it (MISSING_DELEGATION), and is accepted once it is here", () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  // The member key's client brings the delegation; the device writes as its own client, which this peer has never seen.
  const delegating = writerFrom(peer);
  const bringing = sealed(delegating, member, () => appendRecords(delegating, [delegation]));
  const deviceWriter = writerFrom(peer);
  Y.applyUpdate(deviceWriter, localUpdateOf(delegating, deviceWriter));
  const voting = sealedByDevice(deviceWriter, member, device, delegation.hash, () => appendRecords(deviceWriter, [deviceVote(member, device, delegation.hash)]));
  const message = refuse(peer, voting, 'MISSING_DELEGATION');
  assert.ok(waitsForCatchUp({ code: 'MISSING_DELEGATION', message }));
  assert.ok(!waitsForCatchUp({ code: 'BAD_DELEGATION', message }));
  accept(peer, bringing);
  accept(peer, voting);
});

test("a device's envelope that comes before the one bringing its delegation waits for it (MISSING_UPDATES), as before", () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const writer = writerFrom(peer);
  const first = sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [delegation]));
  const second = sealedByDevice(writer, member, device, delegation.hash, () => {
    appendRecords(writer, [deviceVote(member, device, delegation.hash, after(delegation))]);
    daoText(writer, 'charter').delete(0, 3);
  });
  // The delegation is nowhere here yet, but the update continues the device's client past this document.
  refuse(peer, second, 'MISSING_UPDATES');
  accept(peer, first);
  accept(peer, second);
  assert.equal(daoText(peer, 'charter').toString(), 'build bridges.');
});

test('the viewing decoder refuses a byte string that runs past the end of the update, though the buffer goes on', () => {
  const buffer = Uint8Array.from([5, 1, 2, 3, 9, 9, 9, 9]);
  const decoderOf = (bytes: Uint8Array): ViewingUpdateDecoder => new ViewingUpdateDecoder({ arr: bytes, pos: 0 } as unknown as ConstructorParameters<typeof ViewingUpdateDecoder>[0]);
  assert.throws(() => decoderOf(buffer.subarray(0, 4)).readBuf(), RangeError);
  assert.deepEqual([...decoderOf(buffer.subarray(0, 6)).readBuf()], [1, 2, 3, 9, 9]);
  // In an envelope the update is followed by the signature: a ledger value running past the update is refused.
  const writer = writerFrom(founded().peer);
  writeAsClientOf(writer, addressBytes(member.address));
  const record = vote(member);
  const update = localUpdate(writer, () => appendRecords(writer, [record]))!;
  const single = readSingleRecordUpdate(update)!;
  // A record is 128 to 16,383 bytes: its length is a 2-byte varUint. Made 16 longer, it runs into what follows.
  const lengthAt = single.bytes.byteOffset - update.byteOffset - 2;
  const length = single.bytes.length + 16;
  const longer = Uint8Array.from(update);
  longer[lengthAt] = 0x80 | length % 128;
  longer[lengthAt + 1] = Math.floor(length / 128);
  assert.match(refuse(founded().peer, sealEnvelopeAsMember(dao, longer, member).bytes, 'MALFORMED_UPDATE'), /does not decode/);
});

/** The update `change` makes on a copy of `source`, written as a client of `key`, leaving `source` as it was. */
function localUpdateAfter(source: Y.Doc, key: Uint8Array, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc({ gc: true });
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(source));
  writeAsClientOf(copy, key);
  return localUpdate(copy, () => change(copy))!;
}

/** What `writer` holds beyond `peer`. */
function localUpdateOf(writer: Y.Doc, peer: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdate(writer, Y.encodeStateVector(peer));
}

test('an edit building on updates not received yet is refused as missing, and accepted after catch-up', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const earlier = sealed(writer, member, () => daoText(writer, 'charter').insert(17, ' Fast.'));
  const later = sealed(writer, member, () => daoText(writer, 'charter').insert(23, ' Cheap.'));
  const other = writerFrom(peer);
  Y.applyUpdate(other, localUpdateOf(writer, other));
  const building = sealed(other, founder, () => daoText(other, 'charter').insert(30, '!'));
  refuse(peer, later, 'MISSING_UPDATES');
  refuse(peer, building, 'MISSING_UPDATES');
  accept(peer, earlier);
  accept(peer, later);
  accept(peer, building);
  assert.equal(daoText(peer, 'charter').toString(), 'We build bridges. Fast. Cheap.!');
});

test('a second delivery of an applied envelope, or a writer posing as this replica, is refused as a clock conflict', () => {
  const { peer, genesisEnvelope } = founded();
  refuse(peer, genesisEnvelope, 'CLOCK_CONFLICT');
  // A replica whose own client is one of the member's (a host between its local transactions is not).
  const replica = writerFrom(peer);
  writeAsClientOf(replica, addressBytes(member.address));
  const impostor = writerFrom(peer);
  impostor.clientID = replica.clientID;
  const update = localUpdate(impostor, () => appendRecords(impostor, [vote(member)]))!;
  refuse(replica, sealEnvelopeAsMember(dao, update, member).bytes, 'CLOCK_CONFLICT');
});

test("a member writing as another member's Yjs client is refused, so it cannot take that client's next position", () => {
  // Unrefused, the member's update would hold the founder's next clock at the peers that got it first, and the
  // founder's real update there would be refused as a clock conflict, for good.
  const { peer, founderDoc } = founded();
  const squatter = writerFrom(peer);
  squatter.clientID = founderDoc.clientID;
  const squat = localUpdate(squatter, () => appendRecords(squatter, [vote(member)]))!;
  assert.equal(Y.decodeUpdate(squat).structs[0]!.id.client, founderDoc.clientID, "written at the founder's client");
  assert.equal(Y.decodeUpdate(squat).structs[0]!.id.clock, Y.getState(founderDoc.store, founderDoc.clientID), 'at its next clock');
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, squat, member).bytes, 'FOREIGN_CLIENT'), /not one of the clients of the key that signed it/);
  // Sealed by the member's delegated device key instead: refused the same; the founder's real update is taken in.
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const writer = writerFrom(peer);
  accept(peer, sealed(writer, member, () => appendRecords(writer, [delegation])));
  const bySquattersDevice = sealEnvelopeAsDevice(dao, squat, member.address, { key: device.publicKey, delegation: delegation.hash }, (message) => ed25519.sign(message, device.secretKey));
  refuse(peer, bySquattersDevice.bytes, 'FOREIGN_CLIENT');
  accept(peer, sealed(founderDoc, founder, () => appendRecords(founderDoc, [vote(founder)])));
});

test('an update with a gap in its positions (a merge of non-adjacent transactions) is refused', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const [first, , third] = [1, 2, 3].map(() => localUpdate(writer, () => appendRecords(writer, [vote(member)]))!);
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, Y.mergeUpdates([first!, third!]), member).bytes, 'MALFORMED_UPDATE'), /gaps/);
});

test('a context callback that throws becomes a refusal, not a crash', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const throwing: GateContext = { ...context, isMember: () => { throw new Error('fold not ready'); } };
  assert.match(refuse(peer, sealed(writer, member, () => appendRecords(writer, [vote(member)])), 'MALFORMED_UPDATE', throwing), /could not be checked \(fold not ready\)/);
});

test('items under other roots, nested types, subdocuments, embeds and JSON values are refused', () => {
  const { peer } = founded();
  const record = vote(member);
  const cases: Array<[GateRejectionCode, (doc: Y.Doc) => void]> = [
    ['UNKNOWN_ROOT', (doc) => doc.getMap('evil').set('x', 1)],
    ['UNKNOWN_ROOT', (doc) => doc.getText('text:notes').insert(0, 'not a schema text')],
    ['UNKNOWN_ROOT', (doc) => doc.getArray('ledger2').push([Uint8Array.from(record.bytes)])],
    ['FORBIDDEN_CONTENT', (doc) => ledgerMap(doc).set(record.id, new Y.Map() as unknown as Uint8Array)],
    ['FORBIDDEN_CONTENT', (doc) => ledgerMap(doc).set(record.id, new Y.Doc() as unknown as Uint8Array)],
    ['FORBIDDEN_CONTENT', (doc) => ledgerMap(doc).set(record.id, { bytes: 1 } as unknown as Uint8Array)],
    ['FORBIDDEN_CONTENT', (doc) => daoText(doc, 'charter').insertEmbed(0, { image: 'x' })],
    ['FORBIDDEN_CONTENT', (doc) => daoText(doc, 'charter').insertEmbed(0, new Y.Text('nested'))],
  ];
  for (const [code, change] of cases) {
    const writer = writerFrom(peer);
    refuse(peer, sealed(writer, member, () => change(writer)), code);
  }
});

/** A V1 update of one item holding the string "x" as a JSON value, placed by a root name, a parent item id or a left origin. */
function handMadeItem(client: number, place: { root?: string; parent?: Y.ID; origin?: Y.ID }): Uint8Array {
  const bytes: number[] = [];
  const varUint = varUintWriter(bytes);
  varUint(1); // one client
  varUint(1); // one struct
  varUint(client);
  varUint(0); // at clock 0
  bytes.push(place.origin ? 0x88 : 0x08); // ContentAny, with or without a left origin
  if (place.origin) {
    varUint(place.origin.client);
    varUint(place.origin.clock);
  } else if (place.parent) {
    varUint(0);
    varUint(place.parent.client);
    varUint(place.parent.clock);
  } else {
    varUint(1);
    varUint(place.root!.length);
    bytes.push(...new TextEncoder().encode(place.root!));
  }
  bytes.push(1, 119, 1, 0x78); // one value: the string "x"
  varUint(0); // no deletions
  return Uint8Array.from(bytes);
}

test('hand-made items that Yjs would choke on or hide are refused before they reach it', () => {
  const { peer, founderDoc } = founded();
  const charterCharacter = Y.createID(founderDoc.clientID, 1); // the genesis transaction: ledger item at 0, then the charter
  const selfReference = handMadeItem(7, { origin: Y.createID(7, 0) });
  // Unchecked, Yjs throws halfway through applying it.
  assert.throws(() => Y.applyUpdate(writerFrom(peer), selfReference));
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, selfReference, member).bytes, 'MALFORMED_UPDATE'), /refers to itself/);
  // A parent that is an item id (a character, not a type): Yjs would quietly turn it into a collected range.
  refuse(peer, sealEnvelopeAsMember(dao, handMadeItem(7, { parent: charterCharacter }), member).bytes, 'FORBIDDEN_CONTENT');
  // A JSON value in the charter: invisible in the text, yet stored forever.
  refuse(peer, sealEnvelopeAsMember(dao, handMadeItem(7, { root: 'text:charter' }), member).bytes, 'FORBIDDEN_CONTENT');
  refuse(peer, sealEnvelopeAsMember(dao, handMadeItem(7, { origin: charterCharacter }), member).bytes, 'FORBIDDEN_CONTENT');
  // A left origin this replica has not received.
  refuse(peer, sealEnvelopeAsMember(dao, handMadeItem(7, { origin: Y.createID(99, 5) }), member).bytes, 'MISSING_UPDATES');
});

test('an update that writes as two Yjs clients is refused', () => {
  const { peer } = founded();
  const [a, b] = [writerFrom(peer), writerFrom(peer)];
  const merged = Y.mergeUpdates([localUpdate(a, () => appendRecords(a, [vote(member)]))!, localUpdate(b, () => appendRecords(b, [vote(member)]))!]);
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, merged, member).bytes, 'MALFORMED_UPDATE'), /several Yjs clients/);
});

/** The client block of a V1 update of one block and no deletions: the bytes between its count (1) and its empty delete set (0). */
function onlyBlock(update: Uint8Array): Uint8Array {
  assert.deepEqual([update[0], update[update.length - 1]], [1, 0], 'one block, no deletions');
  return update.subarray(1, update.length - 1);
}

test('an update listing one Yjs client twice is refused: Yjs applies only the last block, where the gate would judge both', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  writeAsClientOf(writer, addressBytes(member.address));
  const record = vote(member);
  const first = localUpdate(writer, () => appendRecords(writer, [record]))!;
  const client = writer.clientID;
  // A record, then an empty block of the same client: Yjs would apply nothing while the gate reported the record.
  const empty: number[] = [];
  const varUint = varUintWriter(empty);
  varUint(0);
  varUint(client);
  varUint(0);
  const ghost = Uint8Array.from([2, ...onlyBlock(first), ...empty, 0]);
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, ghost, member).bytes, 'MALFORMED_UPDATE'), /one client twice/);
  // Two transactions in a row as two blocks: Yjs would drop the first and leave the second pending.
  const second = localUpdate(writer, () => daoText(writer, 'charter').insert(0, 'b'))!;
  const split = Uint8Array.from([2, ...onlyBlock(first), ...onlyBlock(second), 0]);
  assert.match(refuse(peer, sealEnvelopeAsMember(dao, split, member).bytes, 'MALFORMED_UPDATE'), /one client twice/);
  // The same two as one block, as Yjs merges them, are accepted; the record lands.
  accept(peer, sealEnvelopeAsMember(dao, Y.mergeUpdates([first, second]), member).bytes);
  assert.ok(hasRecord(peer, record.id));
  assert.equal(peer.store.pendingStructs, null);
});

test('an envelope for another DAO is refused', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const update = localUpdate(writer, () => appendRecords(writer, [vote(member)]))!;
  refuse(peer, sealEnvelopeAsMember(recordIdFromHash(new Uint8Array(32).fill(3)), update, member).bytes, 'WRONG_DAO');
});

test('an oversized envelope or update is refused without being decoded', () => {
  const { peer } = founded();
  refuse(peer, new Uint8Array(maxUpdateBytes + 4096), 'TOO_LARGE');
  const envelope = sealEnvelopeAsMember(dao, Uint8Array.from([0, 0]), member);
  const fields = dagCbor.decode(envelope.payload) as Record<string, unknown>;
  refuse(peer, dagCbor.encode([dagCbor.encode({ ...fields, u: new Uint8Array(maxUpdateBytes + 1) }), envelope.sig]), 'TOO_LARGE');
});

test('more records in one envelope than the cap are refused before any signature is checked', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const records = [delegation, ...Array.from({ length: maxRecordsPerEnvelope }, () => deviceVote(member, device, delegation.hash))];
  refuse(peer, sealed(writer, member, () => appendRecords(writer, records)), 'TOO_MANY_RECORDS');
});

test('applyCheckedEnvelope refuses a result from another document, or whose record arrived meanwhile from another writer', () => {
  const { peer } = founded();
  const record = vote(member);
  const writer = writerFrom(peer);
  const result = checkEnvelope(peer, sealed(writer, member, () => appendRecords(writer, [record])), context);
  assert.ok(result.ok);
  assert.throws(() => applyCheckedEnvelope(writerFrom(peer), result), /not checked against this document/);
  // The member's second device appends the same record: applying the first result now would make it a twin.
  const other = writerFrom(peer);
  accept(peer, sealed(other, member, () => appendRecords(other, [record])));
  assert.throws(() => applyCheckedEnvelope(peer, result), /changed after the envelope was checked/);
});

test('applyCheckedEnvelope refuses a result whose Yjs client moved since the check, even with no new record', () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const envelope = sealed(writer, member, () => appendRecords(writer, [vote(member)]));
  // Another update of the same client at the same clock: a text edit, so the ledger does not grow.
  const fork = writerFrom(peer);
  fork.clientID = writer.clientID;
  const edit = localUpdate(fork, () => daoText(fork, 'charter').insert(0, 'Forked: '));
  assert.ok(edit);
  const result = checkEnvelope(peer, envelope, context);
  assert.ok(result.ok);
  accept(peer, sealEnvelopeAsMember(dao, edit, member).bytes);
  assert.throws(() => applyCheckedEnvelope(peer, result), /changed after the envelope was checked/);
});

test("applyCheckedEnvelope takes a result after changes its check did not rest on: another writer's record and text edit", () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const record = vote(member);
  const envelope = sealed(writer, member, () => appendRecords(writer, [record]));
  const other = writerFrom(peer);
  const edit = sealed(other, founder, () => {
    appendRecords(other, [vote(founder)]);
    daoText(other, 'charter').insert(0, 'Edited: ');
  });
  const result = checkEnvelope(peer, envelope, context);
  assert.ok(result.ok);
  accept(peer, edit);
  applyCheckedEnvelope(peer, result, 'remote');
  assert.deepEqual(recordBytes(peer, record.id), Uint8Array.from(record.bytes));
  assert.equal(daoText(peer, 'charter').toString(), 'Edited: We build bridges.');
  const both = writerFrom(writer);
  Y.applyUpdate(both, Y.encodeStateAsUpdate(other));
  assert.deepEqual(Y.encodeStateAsUpdate(peer), Y.encodeStateAsUpdate(both));
});

test('envelopes that are views of a larger buffer are copied: a refused one between them leaves the accepted ones whole', () => {
  const { peer } = founded();
  const first = vote(member);
  const second = vote(member, after(first));
  const writer = writerFrom(peer);
  const envelopes = [
    sealed(writer, member, () => appendRecords(writer, [first])),
    ((outsider) => sealed(outsider, stranger, () => appendRecords(outsider, [vote(stranger)])))(writerFrom(peer)), // refused: not a member
    sealed(writer, member, () => appendRecords(writer, [second])),
  ];
  // One buffer, as a catch-up frame arrives.
  const frame = new Uint8Array(envelopes.reduce((sum, envelope) => sum + envelope.length + 3, 0));
  let at = 3;
  const views = envelopes.map((envelope) => {
    frame.set(envelope, at);
    const view = frame.subarray(at, at + envelope.length);
    at += envelope.length + 3;
    return view;
  });
  accept(peer, views[0]!);
  refuse(peer, views[1]!, 'NOT_A_MEMBER');
  accept(peer, views[2]!);
  frame.fill(0);
  assert.deepEqual(recordBytes(peer, first.id), Uint8Array.from(first.bytes));
  assert.deepEqual(recordBytes(peer, second.id), Uint8Array.from(second.bytes));
});

test('random bytes never crash the gate and never change the document', () => {
  const { peer } = founded();
  const before = Y.encodeStateAsUpdate(peer);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
      const result = checkEnvelope(peer, bytes, context);
      assert.equal(result.ok, false);
    }),
    { numRuns: 500 },
  );
  // Random bytes as the update inside a validly signed member envelope.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), (update) => {
      const result = checkEnvelope(peer, sealEnvelopeAsMember(dao, update, member).bytes, context);
      if (result.ok) applyCheckedEnvelope(peer, result);
    }),
    { numRuns: 200 },
  );
  assert.deepEqual(Y.encodeStateAsUpdate(peer), before);
});

test('mutated honest updates, signed by a member, are refused cleanly or are safe to apply', (t) => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const writer = writerFrom(peer);
  const delegation = delegationFor(member, device);
  accept(peer, sealed(writer, member, () => appendRecords(writer, [delegation])));
  const held = new Map([...ledgerEntries(peer)].map(([id, bytes]) => [id, Uint8Array.from(bytes)]));
  // Both bases continue from the same replica state (each is checked alone).
  const honest = localUpdateAfter(writer, device.publicKey, (doc) => {
    appendRecords(doc, [deviceVote(member, device, delegation.hash)]);
    daoText(doc, 'charter').insert(3, 'all ');
    daoText(doc, 'charter').delete(0, 2);
    daoText(doc, 'draft:p1').insert(0, 'A draft');
  });
  // Mostly text, so that many mutations keep a valid shape and go all the way through the gate and Yjs.
  const typing = localUpdateAfter(writer, device.publicKey, (doc) => {
    daoText(doc, 'charter').insert(5, 'strong ');
    daoText(doc, 'charter').delete(12, 4);
  });
  const mutation = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }) },
  );
  let accepted = 0;
  let tried = 0;
  /** Checks a mutated update on a fresh replica; refused leaves it as it was, accepted applies without harm. */
  const tryUpdate = (update: Uint8Array): void => {
    tried++;
    const target = writerFrom(peer);
    const before = Y.encodeStateAsUpdate(target);
    const bytes = sealEnvelopeAsDevice(dao, update, member.address, { key: device.publicKey, delegation: delegation.hash }, (message) => ed25519.sign(message, device.secretKey)).bytes;
    const result = checkEnvelope(target, bytes, context);
    if (!result.ok) {
      assert.deepEqual(Y.encodeStateAsUpdate(target), before);
      return;
    }
    accepted++;
    applyCheckedEnvelope(target, result);
    // Whatever got through kept the ledger append-only and content-addressed.
    for (const [id, bytes] of held) assert.deepEqual(recordBytes(target, id), bytes);
    for (const [id, value] of ledgerEntries(target)) assert.equal(recordId(value), id);
  };
  // Every single-bit flip of the text edit, then random mutations of both.
  for (let at = 0; at < typing.length; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = Uint8Array.from(typing);
      flipped[at]! ^= 1 << bit;
      tryUpdate(flipped);
    }
  }
  fc.assert(
    fc.property(fc.constantFrom(honest, typing), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => {
      let update: Uint8Array = Uint8Array.from(base);
      for (const change of mutations) {
        const at = change.at % Math.max(update.length, 1);
        if (change.kind === 'flip') update[at]! ^= change.bits;
        else if (change.kind === 'truncate') update = update.slice(0, at);
        else if (change.kind === 'insert') update = Uint8Array.from([...update.subarray(0, at), ...change.bytes, ...update.subarray(at)]);
        else update = Uint8Array.from([...update.subarray(0, at), ...update.subarray(at + change.length)]);
      }
      if (update.length > 0) tryUpdate(update);
    }),
    { numRuns: 400 },
  );
  // Some mutations only change characters or values and pass; they must have applied without harm above.
  assert.ok(accepted > 0, 'some mutations went all the way through');
  t.diagnostic(`mutated updates: ${accepted} of ${tried} passed the gate and applied safely; the rest were refused cleanly`);
});

/** A copy of `writer` that writes as the same Yjs client: the same writer, at the point it was copied. */
function sameClient(writer: Y.Doc): Y.Doc {
  const copy = createDaoDoc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(writer));
  copy.clientID = writer.clientID;
  return copy;
}

function sealedAsIs(doc: Y.Doc, author: MemberKey, change: () => void): Uint8Array {
  return sealEnvelopeAsMember(dao, localUpdate(doc, change)!, author).bytes;
}

test("one Yjs client's ledger records are in sequence: each lists the one before it among its deps, across envelopes, in one, and past text edits", () => {
  const { peer } = founded();
  const writer = writerFrom(peer);
  const early = writerFrom(peer);
  const first = vote(member);
  accept(peer, sealed(writer, member, () => appendRecords(writer, [first])));
  // The same client's next record on the same old deps (none of the two saw the other): refused, whoever holds it.
  for (const doc of [peer, writerFrom(peer)]) {
    const concurrent = sameClient(writer);
    assert.match(refuse(doc, sealedAsIs(concurrent, member, () => appendRecords(concurrent, [vote(member)])), 'OUT_OF_SEQUENCE'), new RegExp(`does not list ${first.id}`));
  }
  // Text edits in between do not count as a previous record; the record on top of the first goes in.
  accept(peer, sealedAsIs(writer, member, () => daoText(writer, 'charter').insert(0, 'We ')));
  const second = vote(member, after(first));
  accept(peer, sealedAsIs(writer, member, () => appendRecords(writer, [second])));
  // In one envelope, each on top of the one before it.
  const third = vote(member, after(second));
  const skipping = sameClient(writer);
  assert.match(refuse(peer, sealedAsIs(skipping, member, () => appendRecords(skipping, [third, vote(member, after(second))])), 'OUT_OF_SEQUENCE'), new RegExp(`does not list ${third.id}`));
  const fourth = vote(member, after(third));
  assert.equal(accept(peer, sealedAsIs(writer, member, () => appendRecords(writer, [third, fourth]))).records.length, 2);
  // Another client's first record may stand on anything, also when it repeats a held one (written without
  // knowing that another client had); it is a position in that client's sequence all the same.
  accept(peer, sealed(early, member, () => appendRecords(early, [first])));
  const earlyAgain = sameClient(early);
  assert.match(refuse(peer, sealedAsIs(earlyAgain, member, () => appendRecords(earlyAgain, [vote(member)])), 'OUT_OF_SEQUENCE'), new RegExp(`does not list ${first.id}`));
  accept(peer, sealedAsIs(early, member, () => appendRecords(early, [vote(member, after(first))])));
  // A peer that took the same envelopes in another order of clients, or opened the document anew, judges alike.
  const reopened = writerFrom(peer);
  const fifth = vote(member, after(fourth));
  const onTop = sameClient(writer);
  const envelope = sealedAsIs(onTop, member, () => appendRecords(onTop, [fifth]));
  accept(reopened, envelope);
  accept(peer, envelope);
});

test('a flood of records none of which saw the others, from one device, stops at its second record', () => {
  const { peer } = founded();
  const device = ed25519.keygen();
  const delegation = delegationFor(member, device);
  const delegating = writerFrom(peer);
  accept(peer, sealed(delegating, member, () => appendRecords(delegating, [delegation])));
  // One device writes 20 records one after the other, each on the genesis alone: 20 chains of the causal index.
  const writer = writerFrom(peer);
  const flood = Array.from({ length: 20 }, () => sealedByDevice(writer, member, device, delegation.hash, () => appendRecords(writer, [deviceVote(member, device, delegation.hash)])));
  accept(peer, flood[0]!);
  refuse(peer, flood[1]!, 'OUT_OF_SEQUENCE');
  // The rest come after a refused position of the client: they wait for it, which never comes.
  for (const envelope of flood.slice(2)) refuse(peer, envelope, 'MISSING_UPDATES');
  assert.equal([...ledgerEntries(peer)].length, 3);
});
