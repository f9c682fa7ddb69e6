// Who catch-up sync serves (HostSyncStore.mayServe): a member's node, or a node that showed a valid invite. The
// adversarial cases found by review: a revoked device's invite, an admitted invitee whose inviter has left, an
// invite that claims to last for ever, and a member who names another member's node as theirs.
// A real DaoService and replica on disk, records written as a host's would be.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import * as Y from 'yjs';
import { appendRecords, daoText, localUpdate } from '../../core/dao/dao-doc.ts';
import { yjsClientOf } from '../../core/dao/yjs-client.ts';
import { memberSealer, sealEnvelopeAsDevice, sealEnvelopeAsMember } from '../../core/dao/envelope.ts';
import { buildDeviceDelegation, buildDeviceRevocation, buildProposal } from '../../core/governance/record-builders.ts';
import { simpleMajority, type Rules } from '../../core/governance/rules.ts';
import { actor, day, hour, Scenario, type Actor } from '../../core/governance/test-dao.ts';
import { IdSet } from '../../core/sync/id-set.ts';
import { createInvite, maxInviteLifetimeMs } from '../../core/sync/invite.ts';
import { RangeReconciler } from '../../core/sync/range-reconcile.ts';
import { nodeClaimMessage } from '../../core/dao/device-delegation.ts';
import { addressBytes, recordHashFromId, type LedgerRecord } from '../../core/ledger/record.ts';
import type { DaoReplica } from './dao-replica.ts';
import { GroupKeys } from './group-keys.ts';
import { InviteBook } from './invite-book.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from './native-ed25519.ts';
import { HostSyncStore, maxInviteesPerDao } from './sync-store.ts';
import { openCarriedServices } from './test-services.ts';
import { createMeshNode } from '../../p2p/mesh-node.ts';
import { daoSyncProtocol, initiateSync, serveSync, type DaoSyncStore } from '../../p2p/dao-sync-session.ts';

const rules: Rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };
const verify = createNativeEd25519Verify();

/** Bob's node: his DaoService holding the scenario's DAO, and the sync store that decides whom it serves. */
async function bobsNode(t: TestContext, scenario: Scenario, bob: Actor): Promise<{ replica: DaoReplica; store: HostSyncStore; now: { ms: number } }> {
  const mesh = await openCarriedServices(t, [bob.key]);
  const service = mesh.services[0]!;
  const replica = await service.hold(scenario.daoId);
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-sync-store-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const now = { ms: Date.now() };
  const store = new HostSyncStore({ daos: service, verify, invites: await InviteBook.open(dataDir), keys: await GroupKeys.open(dataDir, () => bob.key), now: () => now.ms });
  return { replica, store, now };
}

/** Writes the scenario's records Bob's node does not hold yet, each sealed by its author. */
async function deliver(replica: DaoReplica, everyone: readonly Actor[], records: readonly LedgerRecord[]): Promise<void> {
  for (const record of records) {
    if (replica.ledger.has(record.id)) continue;
    await replica.writeLocal([record], memberSealer(replica.id, everyone.find((who) => who.key.address === record.author)!.key));
  }
}

function removeMember(scenario: Scenario, by: readonly [Actor, Actor], member: Actor): void {
  const proposal = scenario.propose(by[0], { kind: 'member.remove', params: { member: member.key.address }, title: 'remove' });
  for (const who of by) scenario.vote(who, proposal, 'yes');
  scenario.advance(day + 1);
  for (const who of by) scenario.sign(who, proposal);
  scenario.advance(hour + 1);
  scenario.propose(by[0], { kind: 'signal', params: { text: '' }, title: 'after' });
  assert.equal(scenario.proposal(proposal).status, 'executed');
}

async function newPeer(): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString();
}

test('an invite signed by a device its member revoked opens nothing', async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const lost = scenario.delegateDevice(alice);
  const { replica, store, now } = await bobsNode(t, scenario, bob);
  const inviteBy = (device: typeof lost) =>
    createInvite({ dao: scenario.daoId, inviter: alice.key.address, device: device.publicKey, addrs: ['/ip4/127.0.0.1/tcp/1'], expires: now.ms + hour, exits: 0, nonce: new Uint8Array(16).fill(9) }, (message) =>
      ed25519.sign(message, device.secretKey),
    ).invite;
  await deliver(replica, [alice, bob, carol], scenario.records);
  const before = await newPeer();
  assert.deepEqual(store.mayServe(scenario.daoId, before, inviteBy(lost).bytes), { ok: true }, 'while the device stands, its invite works');
  // Once the invite it showed has expired, the device is told so, and a new invite lets it in again.
  now.ms += 2 * hour;
  const expired = store.mayServe(scenario.daoId, before);
  assert.equal(!expired.ok && expired.code, 'INVITE_EXPIRED');
  assert.deepEqual(store.mayServe(scenario.daoId, before, inviteBy(lost).bytes), { ok: true });

  scenario.advance(hour);
  scenario.write(alice, (context) => buildDeviceRevocation(context, lost.publicKey));
  await deliver(replica, [alice, bob, carol], scenario.records);
  const thief = await newPeer();
  const decision = store.mayServe(scenario.daoId, thief, inviteBy(lost).bytes);
  assert.equal(decision.ok, false);
  assert.equal(!decision.ok && decision.code, 'INVALID_INVITE');
  const admitted = store.mayServe(scenario.daoId, before);
  assert.equal(!admitted.ok && admitted.code, 'INVALID_INVITE', 'the node it admitted before is dropped too');
});

test("an invitee is dropped once its inviter leaves, and an invite that claims to last longer than any may is refused", async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const device = scenario.delegateDevice(carol);
  const { replica, store, now } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  const invite = (expires: number) =>
    createInvite({ dao: scenario.daoId, inviter: carol.key.address, device: device.publicKey, addrs: ['/ip4/127.0.0.1/tcp/1'], expires, exits: 0, nonce: new Uint8Array(16).fill(3) }, (message) =>
      ed25519.sign(message, device.secretKey),
    ).invite;
  const forEver = store.mayServe(scenario.daoId, await newPeer(), invite(Number.MAX_SAFE_INTEGER).bytes);
  assert.equal(!forEver.ok && forEver.code, 'INVALID_INVITE');
  const shadow = await newPeer();
  assert.deepEqual(store.mayServe(scenario.daoId, shadow, invite(now.ms + maxInviteLifetimeMs).bytes), { ok: true });
  assert.deepEqual(store.mayServe(scenario.daoId, shadow), { ok: true }, 'shown once, the invite is remembered');

  removeMember(scenario, [alice, bob], carol);
  await deliver(replica, [alice, bob, carol], scenario.records);
  const after = store.mayServe(scenario.daoId, shadow);
  assert.equal(!after.ok && after.code, 'INVALID_INVITE');
});

/** A libp2p node's key, and its signature of a delegation naming it (the delegation's nodeProof). */
async function libp2pNode(): Promise<{ id: string; multihash: Uint8Array; prove(dao: string, author: string, device: Uint8Array): Uint8Array }> {
  const key = await generateKeyPair('Ed25519');
  const signer = createNativeEd25519Signer(key.raw.subarray(0, 32));
  const peer = peerIdFromPrivateKey(key);
  return {
    id: peer.toString(),
    multihash: peer.toMultihash().bytes,
    prove: (dao, author, device) => signer.sign(nodeClaimMessage(recordHashFromId(dao), addressBytes(author), device)),
  };
}

test("a member cannot take another member's node as theirs, and a removed member's node is refused", async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const alicesNode = await libp2pNode();
  const alicesDevice = new Uint8Array(32).fill(1);
  scenario.write(alice, (context) => buildDeviceDelegation(context, alicesDevice, alicesNode.multihash, alicesNode.prove(scenario.daoId, alice.key.address, alicesDevice)));
  const { replica, store } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.deepEqual(store.mayServe(scenario.daoId, alicesNode.id), { ok: true });
  assert.equal(store.memberOf(scenario.daoId, alicesNode.id), alice.key.address);

  // Carol names Alice's node for a device of hers: without the node's signature, or with Alice's proof copied
  // (made for another author and device), the claim is not taken. Her own node she can prove.
  const carolsNode = await libp2pNode();
  const carolsDevices = [2, 3, 4].map((fill) => ed25519.getPublicKey(new Uint8Array(32).fill(fill))) as [Uint8Array, Uint8Array, Uint8Array];
  scenario.write(carol, (context) => buildDeviceDelegation(context, carolsDevices[0], alicesNode.multihash));
  scenario.write(carol, (context) => buildDeviceDelegation(context, carolsDevices[1], alicesNode.multihash, alicesNode.prove(scenario.daoId, alice.key.address, alicesDevice)));
  scenario.write(carol, (context) => buildDeviceDelegation(context, carolsDevices[2], carolsNode.multihash, carolsNode.prove(scenario.daoId, carol.key.address, carolsDevices[2])));
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.deepEqual(replica.nodeOwners(Buffer.from(alicesNode.multihash).toString('base64url')), [alice.key.address]);
  assert.equal(store.memberOf(scenario.daoId, carolsNode.id), carol.key.address);

  removeMember(scenario, [alice, bob], carol);
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.deepEqual(store.mayServe(scenario.daoId, alicesNode.id), { ok: true }, "Alice's node is still served");
  assert.equal(store.memberOf(scenario.daoId, alicesNode.id), alice.key.address);
  const refused = store.mayServe(scenario.daoId, carolsNode.id);
  assert.equal(!refused.ok && refused.code, 'NOT_A_MEMBER', 'the node Carol proved hers is refused now, invite or not');
});

test("a node whose member was removed or rage quit counts itself departed (it starts no sync); a member's or a newcomer's does not", async (t) => {
  const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(actor) as [Actor, Actor, Actor, Actor];
  const everyone = [alice, bob, carol];
  const scenario = new Scenario(everyone, rules);
  // Dave joined with an invite and is not a member yet: his node syncs on the invite.
  const nodes = [await bobsNode(t, scenario, alice), await bobsNode(t, scenario, bob), await bobsNode(t, scenario, carol), await bobsNode(t, scenario, dave)];
  for (const node of nodes) await deliver(node.replica, everyone, scenario.records);
  assert.deepEqual(nodes.map((node) => node.store.departed(scenario.daoId)), [false, false, false, false]);

  removeMember(scenario, [alice, bob], carol);
  scenario.ragequit(bob);
  for (const node of nodes) await deliver(node.replica, everyone, scenario.records);
  assert.deepEqual(nodes.map((node) => node.store.departed(scenario.daoId)), [false, true, true, false], 'Bob rage quit, Carol was removed');
  assert.equal(nodes[1]!.store.departed('A'.repeat(43)), false, 'a DAO the node does not hold');
});

test('a member who leaves voids the invites made before: a removed member with one is not served under a fresh peer id', async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const device = scenario.delegateDevice(alice);
  const { replica, store, now } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  const invite = (exits: number) =>
    createInvite({ dao: scenario.daoId, inviter: alice.key.address, device: device.publicKey, addrs: ['/ip4/127.0.0.1/tcp/1'], expires: now.ms + 7 * day, exits, nonce: new Uint8Array(16).fill(exits) }, (message) =>
      ed25519.sign(message, device.secretKey),
    ).invite;
  // One Carol saw while a member (the one she joined with, or one shared in the group), and a device it let in.
  const before = invite(replica.ledger.governanceState().exits.length);
  const admitted = await newPeer();
  assert.deepEqual(store.mayServe(scenario.daoId, admitted, before.bytes), { ok: true });

  removeMember(scenario, [alice, bob], carol);
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.equal(replica.ledger.governanceState().exits.length, 1);
  const fresh = store.mayServe(scenario.daoId, await newPeer(), before.bytes);
  assert.equal(!fresh.ok && fresh.code, 'INVITE_REVOKED', 'a fresh peer id with the old invite');
  assert.match(!fresh.ok ? fresh.message : '', /left the DAO after this invite was made/);
  const again = store.mayServe(scenario.daoId, admitted);
  assert.equal(!again.ok && again.code, 'INVITE_REVOKED', 'a device the old invite let in, when it comes back');
  // An invite made after the departure works.
  assert.deepEqual(store.mayServe(scenario.daoId, await newPeer(), invite(1).bytes), { ok: true });
});

test('an envelope a member signed at a Yjs place another of theirs took is refused for good and counted as held: a peer that took the other stops offering it', async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const { replica, store } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  // Alice signs two updates as one Yjs client at one clock, each adding a proposal: one reaches Bob's node, the
  // other Carol's (equivocation).
  const client = yjsClientOf(addressBytes(alice.key.address), 200);
  const atOnePlace = (text: string): Uint8Array => {
    const record = scenario.write(alice, (context) => buildProposal(context, { kind: 'signal', params: { text }, title: text }), { into: null });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica.doc));
    doc.clientID = client;
    return sealEnvelopeAsMember(scenario.daoId, localUpdate(doc, () => appendRecords(doc, [record], 'local'), 'local')!, alice.key).bytes;
  };
  const bobs = atOnePlace('one');
  const carols = atOnePlace('the other');
  const idOf = (envelope: Uint8Array) => base64urlnopad.encode(sha256(envelope));
  assert.deepEqual(await store.acceptMany(scenario.daoId, [bobs]), ['accepted']);
  const held = (await store.envelopeIds(scenario.daoId)).map((id) => base64urlnopad.encode(id));
  // Refused, but not held against the peer that relays it: a member signed it ('conflicting').
  assert.deepEqual(await store.acceptMany(scenario.daoId, [carols]), ['conflicting']);
  assert.equal(await store.acceptGossip(scenario.daoId, carols), 'conflicting');
  const counted = (await store.envelopeIds(scenario.daoId)).map((id) => base64urlnopad.encode(id));
  assert.deepEqual([...counted].sort(), [...held, idOf(carols)].sort(), 'counted as held, once');
  const served: Uint8Array[] = [];
  for await (const envelope of store.envelopes(scenario.daoId, [sha256(carols)])) served.push(envelope);
  assert.deepEqual(served, [], 'never served: the node does not hold it');

  // Carol's node holds the same but her copy of Alice's place: reconciled, it has nothing to send Bob's node.
  const carolsIds = [...held.filter((id) => id !== idOf(bobs)), idOf(carols)].map((id) => base64urlnopad.decode(id));
  const carolsSide = new RangeReconciler(new IdSet(carolsIds));
  const bobsSide = new RangeReconciler(new IdSet(await store.envelopeIds(scenario.daoId)));
  let message: ReturnType<RangeReconciler['receive']> = carolsSide.start();
  for (let turn = 0; message !== null; turn++) message = (turn % 2 === 0 ? bobsSide : carolsSide).receive(message);
  assert.deepEqual(carolsSide.toSend(), []);
  assert.deepEqual(bobsSide.toSend().map((id) => base64urlnopad.encode(id)), [idOf(bobs)], 'Bob offers his, which Carol refuses and counts in turn');
});

test("a removed member's envelope is refused by gossip and stored nowhere; catch-up still takes one written before the removal was seen", async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const { replica, store } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  // Carol writes a charter edit on top of what she holds; she has not seen (or been told of) her removal.
  const carolsEdit = (text: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica.doc));
    doc.clientID = yjsClientOf(addressBytes(carol.key.address), 7);
    return sealEnvelopeAsMember(scenario.daoId, localUpdate(doc, () => daoText(doc, 'charter').insert(0, text), 'local')!, carol.key).bytes;
  };
  const early = carolsEdit('Before. ');
  removeMember(scenario, [alice, bob], carol);
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.equal(replica.ledger.governanceState().members.has(carol.key.address), false);
  const size = (await replica.envelopeIndex()).size;

  const late = carolsEdit('CHARTER REWRITTEN. ');
  assert.equal(await store.acceptGossip(scenario.daoId, late), 'departed');
  assert.equal((await replica.envelopeIndex()).size, size, 'nothing stored');
  assert.equal(daoText(replica.doc, 'charter').toString().includes('REWRITTEN'), false);
  // By catch-up (a member's node that took it in before it saw the removal serves it): taken, as every node does.
  assert.equal(await store.accept(scenario.daoId, early), 'accepted');
  assert.ok(daoText(replica.doc, 'charter').toString().startsWith('Before. '));
});

test("a revoked device's envelope is refused by gossip and stored nowhere; catch-up still takes one written before the revocation was seen", async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const laptop = scenario.delegateDevice(alice);
  const { replica, store } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  let client = 0;
  // What a thief with the laptop's files writes: a charter edit sealed by its device key.
  const laptopsEdit = (text: string) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica.doc));
    doc.clientID = yjsClientOf(laptop.publicKey, client++);
    const update = localUpdate(doc, () => daoText(doc, 'charter').insert(0, text), 'local')!;
    return sealEnvelopeAsDevice(scenario.daoId, update, alice.key.address, { key: laptop.publicKey, delegation: recordHashFromId(laptop.delegation) }, (message) =>
      ed25519.sign(message, laptop.secretKey),
    ).bytes;
  };
  const early = laptopsEdit('Before. ');
  scenario.write(alice, (context) => buildDeviceRevocation(context, laptop.publicKey), { asDevice: false });
  await deliver(replica, [alice, bob, carol], scenario.records);
  assert.equal(replica.delegationOf(alice.key.address, laptop.publicKey), undefined);
  const size = (await replica.envelopeIndex()).size;

  const late = laptopsEdit('All funds to the device thief. ');
  assert.equal(await store.acceptGossip(scenario.daoId, late), 'departed');
  assert.equal((await replica.envelopeIndex()).size, size, 'nothing stored');
  assert.equal(daoText(replica.doc, 'charter').toString().includes('thief'), false);
  // Alice's member key still writes by gossip; the edit made before the revocation comes by catch-up.
  const own = new Y.Doc();
  Y.applyUpdate(own, Y.encodeStateAsUpdate(replica.doc));
  own.clientID = yjsClientOf(addressBytes(alice.key.address), 9);
  const fromAlice = sealEnvelopeAsMember(scenario.daoId, localUpdate(own, () => daoText(own, 'charter').insert(0, 'Ours. '), 'local')!, alice.key).bytes;
  assert.equal(await store.acceptGossip(scenario.daoId, fromAlice), 'accepted');
  assert.equal(await store.accept(scenario.daoId, early), 'accepted');
  assert.match(daoText(replica.doc, 'charter').toString(), /Before\. /);
});

test("a member who equivocates and writes hundreds of envelopes on the other copy does not end honest nodes' sessions: what else the peer holds still arrives", async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const bobs = await bobsNode(t, scenario, bob);
  const carols = await bobsNode(t, scenario, carol);
  await deliver(bobs.replica, [alice, bob, carol], scenario.records);
  await deliver(carols.replica, [alice, bob, carol], scenario.records);
  // Alice writes two updates as one Yjs client at one place: a proposal to Bob's node; to Carol's, another with a
  // charter edit (longer in Yjs positions), then 400 charter edits on top of it, each an envelope of its own.
  const client = yjsClientOf(addressBytes(alice.key.address), 201);
  const alicesCopy = (replica: DaoReplica): Y.Doc => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(replica.doc));
    doc.clientID = client;
    return doc;
  };
  const sealed = (doc: Y.Doc, change: () => void): Uint8Array => sealEnvelopeAsMember(scenario.daoId, localUpdate(doc, change, 'local')!, alice.key).bytes;
  const proposal = (text: string) => scenario.write(alice, (context) => buildProposal(context, { kind: 'signal', params: { text }, title: text }), { into: null });
  const toBob = alicesCopy(bobs.replica);
  assert.deepEqual(await bobs.store.acceptMany(scenario.daoId, [sealed(toBob, () => appendRecords(toBob, [proposal('one')], 'local'))]), ['accepted']);
  const toCarol = alicesCopy(carols.replica);
  const onTop = [
    sealed(toCarol, () => {
      appendRecords(toCarol, [proposal('the other')], 'local');
      daoText(toCarol, 'charter').insert(0, 'Alice was here. ');
    }),
  ];
  for (let i = 0; i < 400; i++) onTop.push(sealed(toCarol, () => daoText(toCarol, 'charter').insert(0, '.')));
  assert.ok((await carols.store.acceptMany(scenario.daoId, onTop)).every((outcome) => outcome === 'accepted'));
  // Then Carol writes something of her own, which Bob's node lacks: her node holds it after Alice's 401.
  scenario.propose(carol, { kind: 'signal', params: { text: 'honest' }, title: 'honest' });
  await deliver(carols.replica, [alice, bob, carol], scenario.records);
  const honest = scenario.records.at(-1)!;
  assert.equal(bobs.replica.ledger.has(honest.id), false);

  // A session between the two nodes, over real libp2p streams (who may sync is not what this is about).
  const served = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  const asking = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  t.after(() => Promise.all([served.stop(), asking.stop()]));
  const open = (store: HostSyncStore): DaoSyncStore => ({
    mayServe: () => ({ ok: true }),
    envelopeIds: (dao) => store.envelopeIds(dao),
    envelopes: (dao, ids) => store.envelopes(dao, ids),
    accept: (dao, envelope) => store.accept(dao, envelope),
    acceptMany: (dao, envelopes) => store.acceptMany(dao, envelopes),
  });
  const serving: Promise<unknown>[] = [];
  await served.handle(daoSyncProtocol, (stream, connection) => void serving.push(serveSync(stream, connection.remotePeer.toString(), open(carols.store))));
  const stream = await asking.dialProtocol(served.getMultiaddrs()[0]!, daoSyncProtocol);
  const report = await initiateSync(stream, scenario.daoId, served.peerId.toString(), open(bobs.store));
  await Promise.all(serving);
  assert.ok(bobs.replica.ledger.has(honest.id), "Bob's node takes Carol's own record");
  assert.equal(report.rejected, onTop.length, "Alice's other copy and all she built on it are refused all the same");
  // Gossip that a DAO node relays is ignored, not scored (dao-sync.ts): 'conflicting', not 'rejected'.
  assert.equal(await bobs.store.acceptGossip(scenario.daoId, onTop[0]!), 'conflicting');
  assert.equal(await bobs.store.acceptGossip(scenario.daoId, onTop.at(-1)!), 'waiting');
  // A stranger's bytes, or an envelope a non-member signed, still count against the peer that sends them.
  const strangers = sealEnvelopeAsMember(scenario.daoId, localUpdate(toBob, () => daoText(toBob, 'charter').insert(0, 'x'), 'local')!, actor('mallory').key).bytes;
  assert.deepEqual(await bobs.store.acceptMany(scenario.daoId, [strangers, new Uint8Array([1, 2, 3])]), ['rejected', 'rejected']);
});

test('one invite code shown under thousands of peer ids does not grow what the node remembers without end: the oldest shows it again', async (t) => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const device = scenario.delegateDevice(carol);
  const { replica, store, now } = await bobsNode(t, scenario, bob);
  await deliver(replica, [alice, bob, carol], scenario.records);
  // A code is a bearer capability, and it may leak: anyone holding it can connect under a new peer id at will.
  const { invite } = createInvite(
    { dao: scenario.daoId, inviter: carol.key.address, device: device.publicKey, addrs: ['/ip4/127.0.0.1/tcp/1'], expires: now.ms + day, exits: 0, nonce: new Uint8Array(16).fill(4) },
    (message) => ed25519.sign(message, device.secretKey),
  );
  const first = await newPeer();
  assert.deepEqual(store.mayServe(scenario.daoId, first, invite.bytes), { ok: true });
  for (let i = 0; i < maxInviteesPerDao; i++) assert.deepEqual(store.mayServe(scenario.daoId, `stranger-${i}`, invite.bytes), { ok: true });
  const forgotten = store.mayServe(scenario.daoId, first);
  assert.equal(!forgotten.ok && forgotten.code, 'NOT_A_MEMBER', 'the oldest device let in is forgotten');
  assert.deepEqual(store.mayServe(scenario.daoId, first, invite.bytes), { ok: true }, 'and let in again when it shows its invite, as it does in every hello');
  assert.deepEqual(store.mayServe(scenario.daoId, `stranger-${maxInviteesPerDao - 1}`), { ok: true }, 'the newest are remembered');
});
