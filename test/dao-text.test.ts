// Collaborative texts between real hosts in this process (each its own libp2p node on 127.0.0.1, gate, fold
// and log): two members edit the charter at the same moment and both nodes end with the same text, which
// travelled as envelopes signed by the writer's device; an edit made against a lagging replica lands where it
// was meant; non-members, oversized edits and malformed ops are refused, changing nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import type { BridgeParams } from '../core/bridge/api.ts';
import { createDaoDoc, daoText, ledgerMap } from '../core/dao/dao-doc.ts';
import { decodeEnvelope, verifyEnvelopeSignature, type Envelope } from '../core/dao/envelope.ts';
import { maxTextChars, maxTextOps } from '../core/dao/text-limits.ts';
import { DaomeshError } from '../core/errors.ts';
import type { Host } from '../electron-main/host/host.ts';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { startHostMesh, startMeshHost, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh;

before(async () => {
  mesh = await startHostMesh(2);
});

after(async () => {
  await mesh?.stop();
});

const hostText = (host: Host, name: 'charter' | `draft:${string}`): string => daoText(host.daos.replica(mesh.dao)!.doc, name).toString();

function refused(code: string, what?: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof DaomeshError && error.code === code && (what === undefined || what.test(error.message));
}

/** The UI's view of the DAO: a replica from dao.sync, as app/daos/local-replica.ts keeps it. */
async function replicaOf(host: Host): Promise<Y.Doc> {
  const doc = createDaoDoc();
  const { update } = await host.call('dao.sync', { dao: mesh.dao, stateVector: base64.encode(Y.encodeStateVector(doc)) });
  Y.applyUpdate(doc, base64.decode(update));
  return doc;
}

function holdsText(envelope: Envelope): boolean {
  return Y.decodeUpdate(envelope.update).structs.some((struct) => struct instanceof Y.Item && struct.content instanceof Y.ContentString);
}

function positionIn(doc: Y.Doc, index: number): string {
  return base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(daoText(doc, 'charter'), index)));
}

test('two members edit the charter at once: both nodes converge on one text, carried in envelopes signed by the writers’ devices', async () => {
  const [a, b] = mesh.hosts as [Host, Host];
  const [addressA, addressB] = mesh.addresses as [string, string];
  const arrived: Envelope[] = [];
  for (const host of [a, b]) host.daos.replica(mesh.dao)!.onAppend(({ bytes, origin }) => origin === 'remote' && arrived.push(decodeEnvelope(bytes)));

  await a.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: 0, insert: 'We share tools.' }] });
  await until('b to hold the first charter text', () => hostText(b, 'charter') === 'We share tools.', 30_000);
  // Both insert at the same moment, at the same place and at the end, with positions made on the text as each
  // saw it (the other's edit may reach a node before its own is applied: positions still name the same places).
  const [seenByA, seenByB] = await Promise.all([replicaOf(a), replicaOf(b)]);
  await Promise.all([
    a.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: positionIn(seenByA, 0), insert: '[A] ' }, { at: positionIn(seenByA, 15), insert: ' Ask first.' }] }),
    b.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: positionIn(seenByB, 0), insert: '[B] ' }, { at: positionIn(seenByB, 15), insert: ' Return them clean.' }] }),
  ]);
  await until('both nodes to hold both edits', () => [a, b].every((host) => /\[A\]/.test(hostText(host, 'charter')) && /\[B\]/.test(hostText(host, 'charter'))), 30_000);
  const merged = hostText(a, 'charter');
  assert.equal(hostText(b, 'charter'), merged);
  assert.match(merged, /^\[[AB]\] \[[AB]\] We share tools\./);
  assert.ok(merged.includes(' Ask first.') && merged.includes(' Return them clean.'), merged);
  assert.equal(merged.length, 'We share tools.'.length + 8 + ' Ask first.'.length + ' Return them clean.'.length);

  // What crossed the network: envelopes signed by each writer's delegated device key, with text in them.
  // The gate applies an envelope to the doc before its log append tells listeners, so wait for the append.
  const verify = createNativeEd25519Verify();
  const textBy = (author: string): Envelope[] => arrived.filter((envelope) => envelope.author === author && holdsText(envelope));
  await until('each writer’s text envelopes to be durable on the other node', () => textBy(addressA).length > 0 && textBy(addressB).length > 0, 30_000);
  for (const author of [addressA, addressB]) {
    const theirs = textBy(author);
    for (const envelope of theirs) {
      assert.ok(envelope.device, 'signed by a device key');
      assert.ok(verifyEnvelopeSignature(envelope, verify));
    }
  }
  // The host's own view: dao.text and dao.texts.
  assert.deepEqual(await b.call('dao.text', { dao: mesh.dao, text: 'charter' }), { text: merged });
  assert.deepEqual(await b.call('dao.texts', { dao: mesh.dao }), [{ name: 'charter', length: merged.length }]);
  assert.deepEqual(await b.call('dao.text', { dao: mesh.dao, text: 'draft:nobody-wrote-this' }), { text: '' });
});

test("an edit made on a lagging replica, with Yjs relative positions, lands before the same characters in the host's text", async () => {
  const [a, b] = mesh.hosts as [Host, Host];
  await a.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: 0, delete: hostText(a, 'charter').length, insert: 'Meet on Monday.' }] });
  await until('b to hold it', () => hostText(b, 'charter') === 'Meet on Monday.', 30_000);
  const stale = await replicaOf(a);
  // Meanwhile b writes in front of it, and a receives that; the replica does not.
  await b.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: 0, insert: 'Note: ' }] });
  await until('a to hold b’s edit', () => hostText(a, 'charter') === 'Note: Meet on Monday.', 30_000);
  const monday = 'Meet on '.length;
  await a.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: positionIn(stale, monday), delete: 6, insert: 'Tuesday' }, { at: positionIn(stale, 15), insert: ' Bring tea.' }] });
  assert.equal(hostText(a, 'charter'), 'Note: Meet on Tuesday. Bring tea.');
  await until('b to converge', () => hostText(b, 'charter') === 'Note: Meet on Tuesday. Bring tea.', 30_000);
});

test('edits past the length limit are refused with TEXT_TOO_LONG, and change nothing', async () => {
  const [a] = mesh.hosts as [Host];
  const draft = 'draft:long-one';
  await a.call('dao.editText', { dao: mesh.dao, text: draft, ops: [{ at: 0, insert: 'x'.repeat(maxTextChars - 1) }] });
  const before = Y.encodeStateVector(a.daos.replica(mesh.dao)!.doc);
  await assert.rejects(a.call('dao.editText', { dao: mesh.dao, text: draft, ops: [{ at: 0, insert: 'yy' }] }), refused('TEXT_TOO_LONG', /at most 20,000/));
  assert.deepEqual(Y.encodeStateVector(a.daos.replica(mesh.dao)!.doc), before);
  // Replacing keeps it within the limit: allowed.
  const { length } = await a.call('dao.editText', { dao: mesh.dao, text: draft, ops: [{ at: 0, delete: 2, insert: 'yy' }] });
  assert.equal(length, maxTextChars - 1);
});

test('malformed edits are refused at the bridge or by the host, and change nothing', async () => {
  const [a] = mesh.hosts as [Host];
  const doc = a.daos.replica(mesh.dao)!.doc;
  const before = Y.encodeStateVector(doc);
  const { client, clock } = [...ledgerMap(doc)._map.values()][0]!.id;
  const ledgerPosition = base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client, clock }, assoc: 0 })));
  const unknownPosition = base64.encode(Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 424242, clock: 7 }, assoc: 0 })));
  const bad: Array<[string, unknown, RegExp]> = [
    ['no ops', { text: 'charter', ops: [] }, /ops/],
    ['too many ops', { text: 'charter', ops: Array.from({ length: maxTextOps + 1 }, () => ({ at: 0, insert: 'x' })) }, /ops/],
    ['an insert over the limit', { text: 'charter', ops: [{ at: 0, insert: 'x'.repeat(maxTextChars + 1) }] }, /insert/],
    ['inserts over the limit together', { text: 'charter', ops: [{ at: 0, insert: 'x'.repeat(maxTextChars) }, { at: 0, insert: 'x' }] }, /ops must be edits inserting at most 20,000 characters in all/],
    ['a negative index', { text: 'charter', ops: [{ at: -1, insert: 'x' }] }, /at/],
    ['a fractional index', { text: 'charter', ops: [{ at: 1.5, insert: 'x' }] }, /at/],
    ['a position that is not base64', { text: 'charter', ops: [{ at: 'not base64!', insert: 'x' }] }, /at/],
    ['an unknown field', { text: 'charter', ops: [{ at: 0, insert: 'x', format: { bold: true } }] }, /format/],
    ['an unknown text', { text: 'ledger', ops: [{ at: 0, insert: 'x' }] }, /text/],
    ['a draft id with a slash', { text: 'draft:a/b', ops: [{ at: 0, insert: 'x' }] }, /text/],
    ['an index past the end', { text: 'charter', ops: [{ at: 10_000, insert: 'x' }] }, /outside the text/],
    ['a position in the ledger', { text: 'charter', ops: [{ at: ledgerPosition, insert: 'x' }] }, /not in text:charter/],
    ['a position the host never saw', { text: 'charter', ops: [{ at: unknownPosition, insert: 'x' }] }, /does not hold/],
    ['a position that does not decode', { text: 'charter', ops: [{ at: 'AAAA', insert: 'x' }] }, /not in|decode|does not hold/],
    ['edits out of order', { text: 'charter', ops: [{ at: 5, insert: 'x' }, { at: 1, insert: 'y' }] }, /before it/],
  ];
  for (const [what, params, message] of bad) {
    await assert.rejects(a.call('dao.editText', { dao: mesh.dao, ...(params as object) } as BridgeParams<'dao.editText'>), refused('BAD_REQUEST', message), what);
  }
  assert.deepEqual(Y.encodeStateVector(doc), before, 'nothing was written');
  assert.ok(!doc.share.has('ledger:x') && !doc.share.has('text:ledger'));
});

test("a device that synced the DAO with an invite but is not a member cannot edit its texts", async () => {
  const [a] = mesh.hosts as [Host];
  const outsider = await startMeshHost(mesh.root, 'outsider', 3_600_000);
  try {
    await outsider.call('identity.create', { passphrase: 'mesh passphrase' });
    const { code } = await a.call('dao.invite', { dao: mesh.dao });
    await outsider.call('dao.join', { code });
    assert.equal(daoText(outsider.daos.replica(mesh.dao)!.doc, 'charter').toString(), hostText(a, 'charter'), 'it received the texts');
    await assert.rejects(outsider.call('dao.editText', { dao: mesh.dao, text: 'charter', ops: [{ at: 0, insert: 'Mine now. ' }] }), refused('NOT_A_MEMBER'));
    assert.ok(!hostText(outsider, 'charter').startsWith('Mine now.'));
  } finally {
    await outsider.stop();
  }
});

test('a restarted node opens its texts again from its log', async () => {
  const b = mesh.hosts[1]!;
  const before = hostText(b, 'charter');
  await b.stop();
  const restarted = await startMeshHost(mesh.root, 'n1', 3_600_000);
  mesh.hosts[1] = restarted;
  assert.equal(hostText(restarted, 'charter'), before);
  assert.deepEqual(await restarted.call('dao.text', { dao: mesh.dao, text: 'charter' }), { text: before });
});
