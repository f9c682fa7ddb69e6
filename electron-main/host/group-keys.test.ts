// Group keys as ledger records (issue 4): each members' node works from real replicas on disk and its own
// GroupKeys, records pass between them as a host's would (the records, written into each replica), and the
// test checks who can open what: members get the epoch's key, a member whose delegation comes later gets a box,
// a removed member's node holds the new epoch's records but opens none of them, concurrent mints converge, and
// keys for epochs their author was not in (a planted next epoch, made-up ones) do not count.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { memberSealer } from '../../core/dao/envelope.ts';
import { groupEpoch } from '../../core/governance/group-epoch.ts';
import { buildGroupKey, type GroupKeyInput } from '../../core/governance/record-builders.ts';
import { reasons } from '../../core/governance/reasons.ts';
import { simpleMajority, type Rules } from '../../core/governance/rules.ts';
import { actor, day, hour, Scenario, type Actor } from '../../core/governance/test-dao.ts';
import type { MemberKey } from '../../core/identity/member-key.ts';
import { addressBytes, recordHashFromId, type LedgerRecord } from '../../core/ledger/record.ts';
import { groupKeyCommitment, groupKeyId, newGroupKey, sealKeyBox } from '../../core/sync/key-box.ts';
import { openGossip, sealGossip, type GroupKey } from '../../p2p/gossip-cipher.ts';
import { DaoReplica } from './dao-replica.ts';
import { GroupKeys, groupKeySubject } from './group-keys.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

const rules: Rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };
const verify = createNativeEd25519Verify();
const roots: string[] = [];
const replicas: DaoReplica[] = [];
const stores: GroupKeys[] = [];
after(async () => {
  for (const replica of replicas) await replica.close();
  // A store's last save would otherwise write its file again into a removed directory.
  for (const keys of stores) await keys.flushed();
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** One member's node: its replica of the DAO and its group keys, with the member key while unlocked. */
type Node = { who: Actor; replica: DaoReplica; keys: GroupKeys; dataDir: string; unlocked: { key: MemberKey | null } };

async function node(scenario: Scenario, who: Actor, options: { unboxedGraceMs?: number } = {}): Promise<Node> {
  const dataDir = await mkdtemp(join(tmpdir(), `daomesh-keys-${who.name}-`));
  roots.push(dataDir);
  const { replica } = await DaoReplica.open(join(dataDir, 'daos'), scenario.daoId, verify);
  replicas.push(replica);
  const unlocked = { key: who.key as MemberKey | null };
  const keys = await GroupKeys.open(dataDir, () => unlocked.key, options);
  stores.push(keys);
  return { who, replica, keys, dataDir, unlocked };
}

/** Delivers records (all the scenario's by default) to nodes, as catch-up would. */
async function deliver(nodes: readonly Node[], records: readonly LedgerRecord[]): Promise<void> {
  for (const { replica, who } of nodes) {
    const fresh = records.filter((record) => !replica.ledger.has(record.id));
    if (fresh.length > 0) await replica.writeLocal(fresh, memberSealer(replica.id, who.key));
  }
}

/** Writes what the node's upkeep asks for, as its member, into the scenario (and so to whoever it is delivered). */
function upkeep(scenario: Scenario, from: Node, options: { into?: null } = {}): LedgerRecord[] {
  return from.keys.upkeep(from.replica).map((input: GroupKeyInput) => scenario.write(from.who, (context) => buildGroupKey(context, input), options));
}

function sameKey(a: GroupKey | null | undefined, b: GroupKey | null | undefined): boolean {
  return a != null && b != null && bytesToHex(a.key) === bytesToHex(b.key);
}

/** Three founders (the first without a delegated device, the others with one), each with a node caught up with the genesis. */
async function threeMembers(names: readonly [string, string, string], options: { unboxedGraceMs?: number } = {}): Promise<{ actors: [Actor, Actor, Actor]; scenario: Scenario; nodes: [Node, Node, Node] }> {
  const actors = names.map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario(actors, rules);
  scenario.delegateDevice(actors[1]);
  scenario.delegateDevice(actors[2]);
  const nodes = (await Promise.all(actors.map((who) => node(scenario, who, options)))) as [Node, Node, Node];
  await deliver(nodes, scenario.records);
  return { actors, scenario, nodes };
}

/** Proposes, passes and executes a member.add or member.remove (`by` vote and sign; a record after the grace period). */
function pass(scenario: Scenario, by: readonly [Actor, ...Actor[]], input: { kind: 'member.add' | 'member.remove'; member: string }): void {
  const params = input.kind === 'member.add' ? { member: input.member, shares: 100n } : { member: input.member };
  const proposal = scenario.propose(by[0], { kind: input.kind, params, title: input.kind });
  for (const member of by) scenario.vote(member, proposal, 'yes');
  scenario.advance(day + 1);
  for (const member of by) scenario.sign(member, proposal);
  scenario.advance(hour + 1);
  scenario.propose(by[0], { kind: 'signal', params: { text: '' }, title: 'after' });
  if (scenario.proposal(proposal).status !== 'executed') throw new Error(`${input.kind} did not execute`);
}

test("members' nodes agree on one key; a member whose delegation comes later gets a box; a removed member's node holds the new key's records but opens none", async () => {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], rules);
  const nodes = await Promise.all([alice, bob, carol].map((who) => node(scenario, who)));
  const [a, b, c] = nodes as [Node, Node, Node];
  await deliver(nodes, scenario.records);

  // Only Alice's public key is known (she signed the genesis): her node makes the key with her box alone. Any
  // current member's node could make it; asking what is due makes nothing.
  const epoch = GroupKeys.epochOf(a.replica)!;
  assert.deepEqual(a.keys.dueTurn(a.replica), { subject: groupKeySubject(scenario.daoId, epoch, null), graceMs: 0 });
  assert.equal(a.keys.current(a.replica), null, 'no key held for asking');
  const first = upkeep(scenario, a);
  assert.equal(first.length, 1);
  await deliver(nodes, scenario.records);
  const key = a.keys.current(a.replica);
  assert.ok(key);
  assert.equal(b.keys.current(b.replica), null, 'no box for Bob yet');
  assert.deepEqual(upkeep(scenario, b), [], "Bob's node waits for a box rather than making a second key");

  // Bob's and Carol's delegations arrive (member-signed: their public keys): Alice's node adds their boxes.
  scenario.delegateDevice(bob);
  scenario.delegateDevice(carol);
  await deliver(nodes, scenario.records);
  // Only a holder of the key can box it: Alice, the one it was sealed to.
  const recipients = [bob, carol].map((who) => who.key.address).sort();
  assert.deepEqual(a.keys.dueTurn(a.replica), { subject: groupKeySubject(scenario.daoId, epoch, recipients), writers: [alice.key.address], graceMs: 0 });
  const atBob = b.keys.dueTurn(b.replica);
  assert.equal(atBob?.subject, groupKeySubject(scenario.daoId, epoch, null));
  assert.ok(atBob.graceMs > 60_000, "Bob's node, without the key, would make one only after leaving Alice two minutes to box it");
  assert.equal(upkeep(scenario, a).length, 1);
  await deliver(nodes, scenario.records);
  assert.equal(a.keys.dueTurn(a.replica), null);
  for (const other of [b, c]) assert.ok(sameKey(other.keys.current(other.replica), key));
  assert.deepEqual(upkeep(scenario, a), [], 'every member has a box: nothing more to write');

  // Carol is removed; Alice's node makes the new epoch's key, sealed to Alice and Bob only.
  pass(scenario, [alice, bob], { kind: 'member.remove', member: carol.key.address });
  await deliver(nodes, scenario.records);
  const removalEpochRecords = upkeep(scenario, a);
  assert.equal(removalEpochRecords.length, 1);
  await deliver(nodes, scenario.records);
  const next = a.keys.current(a.replica)!;
  assert.ok(next && !sameKey(next, key), 'a new key for the new epoch');
  assert.ok(sameKey(b.keys.current(b.replica), next));
  assert.deepEqual(upkeep(scenario, c), [], 'a former member writes no keys');

  // Carol's node holds the record of the new key, but there is no box for her in it.
  const record = removalEpochRecords[0]!;
  assert.ok(c.replica.ledger.has(record.id));
  assert.equal(c.keys.current(c.replica), null);
  assert.equal(c.keys.byId(c.replica, next.id), undefined);
  // Gossip sealed after the removal: Bob opens it, Carol cannot with any key she holds.
  const dao = recordHashFromId(scenario.daoId);
  const message = sealGossip(next, dao, new TextEncoder().encode('plans without Carol'));
  assert.equal(new TextDecoder().decode(openGossip(b.keys.byId(b.replica, next.id)!, dao, message)!), 'plans without Carol');
  assert.equal(openGossip(c.keys.byId(c.replica, key.id)!, dao, message), null);

  // Locked (or restarted and locked), a member's node still seals and opens with the keys it opened before.
  await b.keys.flushed();
  const reopened = await GroupKeys.open(b.dataDir, () => null);
  assert.ok(sameKey(reopened.current(b.replica), next));
  assert.ok(sameKey(reopened.byId(b.replica, key.id), key), 'the old epoch still opens old gossip');
});

test('two nodes that make a key for the same epoch at once converge on one (the smaller key id)', async () => {
  const [alice, bob] = ['alice', 'bob'].map(actor) as [Actor, Actor];
  const scenario = new Scenario([alice, bob], { ...rules, ...simpleMajority(2), votingPeriodMs: day, gracePeriodMs: hour });
  scenario.delegateDevice(bob);
  const nodes = await Promise.all([alice, bob].map((who) => node(scenario, who)));
  const [a, b] = nodes as [Node, Node];
  await deliver(nodes, scenario.records);
  // Both write on the same heads, neither having seen the other's key.
  const fromA = upkeep(scenario, a, { into: null });
  const fromB = upkeep(scenario, b, { into: null });
  assert.equal(fromA.length + fromB.length, 2);
  await deliver([a], fromA);
  await deliver([b], fromB);
  assert.ok(!sameKey(a.keys.current(a.replica), b.keys.current(b.replica)), 'apart, each seals with its own');
  await deliver(nodes, [...fromA, ...fromB]);
  const sealA = a.keys.current(a.replica)!;
  const sealB = b.keys.current(b.replica)!;
  assert.ok(sameKey(sealA, sealB), 'together, both seal with the same key');
  const ids = [fromA[0]!, fromB[0]!].map((record) => bytesToHex(record.record.body.key as Uint8Array)).sort();
  assert.equal(bytesToHex(sealA.id), ids[0]!.slice(0, 16), "gossip names it by 8 bytes of what the record commits to");
  // Both keys still open what was sealed with either.
  for (const record of [...fromA, ...fromB]) assert.ok(a.keys.byId(a.replica, record.record.body.key as Uint8Array) && b.keys.byId(b.replica, record.record.body.key as Uint8Array));
  assert.deepEqual([...upkeep(scenario, a), ...upkeep(scenario, b)], [], 'nothing more to write');
});

test('a member admitted later gets a box once their delegation arrives, and reads gossip', async () => {
  const [alice, bob, dave] = ['alice', 'bob', 'dave'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob], { ...rules, ...simpleMajority(2), votingPeriodMs: day, gracePeriodMs: hour });
  scenario.delegateDevice(bob);
  const nodes = await Promise.all([alice, bob, dave].map((who) => node(scenario, who)));
  const [a, b, d] = nodes as [Node, Node, Node];
  await deliver(nodes, scenario.records);
  upkeep(scenario, a);
  await deliver(nodes, scenario.records);
  const before = a.keys.current(a.replica)!;
  assert.equal(d.keys.current(d.replica), null, 'an invitee reads nothing from gossip');
  assert.deepEqual(upkeep(scenario, d), [], 'nor writes keys');

  pass(scenario, [alice, bob], { kind: 'member.add', member: dave.key.address });
  await deliver(nodes, scenario.records);
  upkeep(scenario, b);
  await deliver(nodes, scenario.records);
  const after = a.keys.current(a.replica)!;
  assert.ok(!sameKey(after, before), 'a new epoch: a new key');
  assert.ok(sameKey(b.keys.current(b.replica), after));
  assert.equal(d.keys.current(d.replica), null, "Dave's public key was not known yet");

  scenario.delegateDevice(dave);
  await deliver(nodes, scenario.records);
  assert.equal(upkeep(scenario, a).length, 1, "Alice's node adds Dave's box");
  await deliver(nodes, scenario.records);
  const atDave = d.keys.current(d.replica)!;
  assert.ok(sameKey(atDave, after));
  const dao = recordHashFromId(scenario.daoId);
  const message = sealGossip(after, dao, new TextEncoder().encode('welcome, Dave'));
  assert.equal(new TextDecoder().decode(openGossip(d.keys.byId(d.replica, after.id)!, dao, message)!), 'welcome, Dave');
  assert.equal(d.keys.byId(d.replica, before.id), undefined, 'the key from before his admission was never sealed to him');
});

test('bad boxes and bad key records are left out cleanly: a wrong box, a stranger\'s record, a malformed one', async () => {
  const [alice, bob, mallory] = ['alice', 'bob', 'mallory'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob], { ...rules, ...simpleMajority(2), votingPeriodMs: day, gracePeriodMs: hour });
  scenario.delegateDevice(bob);
  const nodes = await Promise.all([alice, bob].map((who) => node(scenario, who)));
  const [a, b] = nodes as [Node, Node];
  await deliver(nodes, scenario.records);
  const epoch = Uint8Array.from(Buffer.from(GroupKeys.epochOf(b.replica)!, 'hex'));
  const dao = recordHashFromId(scenario.daoId);
  const key = newGroupKey();
  const keyId = groupKeyCommitment(key);
  const boxFor = (who: Actor, sealedTo: Actor = who) => sealKeyBox({ dao, epoch, keyId }, key, sealedTo.key.publicKey, addressBytes(who.key.address));

  // Alice writes a key whose box for Bob is sealed to Mallory's key, and whose box for herself is sound.
  const wrongBox = scenario.write(alice, (context) => buildGroupKey(context, { epoch, keyId, boxes: [boxFor(alice), boxFor(bob, mallory)] }));
  // A stranger's record with a good box for Bob: not a member, so it does not count.
  const strangers = newGroupKey();
  const strangerId = groupKeyCommitment(strangers);
  const stranger = scenario.write(mallory, (context) =>
    buildGroupKey(context, { epoch, keyId: strangerId, boxes: [sealKeyBox({ dao, epoch, keyId: strangerId }, strangers, bob.key.publicKey, addressBytes(bob.key.address))] }),
  );
  // A malformed body (a box cut short).
  const malformed = scenario.write(alice, (context) => ({ ...buildGroupKey(context, { epoch, keyId, boxes: [boxFor(alice)] }), body: { epoch, key: keyId, boxes: [{ member: addressBytes(bob.key.address), ephemeral: new Uint8Array(3), sealed: new Uint8Array(48) }] } }));
  assert.equal(scenario.evidenceFor(wrongBox), undefined, 'a well-formed record by a member counts in the fold');
  assert.equal(scenario.evidenceFor(stranger), reasons.notMember);
  assert.match(scenario.evidenceFor(malformed)!, /^malformed body/);
  await deliver(nodes, scenario.records);

  assert.equal(b.keys.current(b.replica), null, 'the box sealed to another key does not open, and nothing throws');
  assert.equal(b.keys.byId(b.replica, strangerId), undefined, "a stranger's key is never taken");
  assert.ok(sameKey(a.keys.current(a.replica), { id: keyId, key }), 'Alice opens her own box');
});

test("a member cannot plant the key of the epoch after their own removal, nor push the current key out with keys of made-up epochs", async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'carol']);
  const [alice, bob, carol] = actors;
  const [a, b, c] = nodes;
  upkeep(scenario, a);
  await deliver(nodes, scenario.records);
  const first = a.keys.current(a.replica)!;
  assert.ok(sameKey(c.keys.current(c.replica), first));

  // Carol, still a member, works out the epoch of {alice, bob} (a hash anyone can make) and writes a key for it,
  // its id ground to sort first, boxed to Alice and Bob. Then keys for 40 made-up epochs, boxed to everyone.
  const dao = recordHashFromId(scenario.daoId);
  const future = groupEpoch(scenario.daoId, [alice.key.address, bob.key.address]);
  let planted = newGroupKey();
  while (groupKeyCommitment(planted)[0] !== 0) planted = newGroupKey();
  const plantedId = groupKeyCommitment(planted);
  const boxes = (epoch: Uint8Array, key: Uint8Array, to: readonly Actor[]) => to.map((who) => sealKeyBox({ dao, epoch, keyId: groupKeyCommitment(key) }, key, who.key.publicKey, addressBytes(who.key.address)));
  const plant = scenario.write(carol, (context) => buildGroupKey(context, { epoch: future, keyId: plantedId, boxes: boxes(future, planted, [alice, bob]) }));
  const madeUp = Array.from({ length: 40 }, (_, i) => {
    const epoch = groupEpoch(scenario.daoId, [`made-up ${i}`]);
    const key = newGroupKey();
    return scenario.write(carol, (context) => buildGroupKey(context, { epoch, keyId: groupKeyCommitment(key), boxes: boxes(epoch, key, [alice, bob, carol]) }));
  });
  assert.equal(scenario.evidenceFor(plant), reasons.otherEpoch);
  for (const record of madeUp) assert.equal(scenario.evidenceFor(record), reasons.otherEpoch);
  await deliver(nodes, scenario.records);
  for (const from of [a, b]) assert.ok(sameKey(from.keys.current(from.replica), first), 'the epoch key stays in use');

  pass(scenario, [alice, bob], { kind: 'member.remove', member: carol.key.address });
  await deliver(nodes, scenario.records);
  assert.equal(GroupKeys.epochOf(a.replica), bytesToHex(future), 'the epoch Carol worked out is the one that came');
  assert.equal(upkeep(scenario, a).length, 1, 'Alice makes the new epoch its key: the planted one does not count');
  await deliver(nodes, scenario.records);
  const sealing = a.keys.current(a.replica)!;
  assert.ok(sameKey(b.keys.current(b.replica), sealing));
  assert.notEqual(bytesToHex(sealing.key), bytesToHex(planted));
  const message = sealGossip(sealing, dao, new TextEncoder().encode('plans without Carol'));
  assert.equal(openGossip({ id: plantedId, key: planted }, dao, message), null, 'what Carol planted opens nothing sealed after her removal');
  assert.equal(c.keys.byId(c.replica, sealing.id), undefined, "Carol's node holds no key of the new epoch");
});

test("a key that only its author can open wins nothing: boxes that do not open bring a new key at once, no box at all one after the grace period", async () => {
  for (const attack of ['boxes that do not open', 'boxed only to its author'] as const) {
    const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'mallory'], { unboxedGraceMs: 700 });
    const [alice, bob, mallory] = actors;
    const [a, b, m] = nodes;

    // Mallory, a member, writes the epoch's first key, its id ground to sort first: a sound box for herself, and
    // for the others boxes sealed to her own key (which they cannot open) or none.
    const epoch = Uint8Array.from(Buffer.from(GroupKeys.epochOf(a.replica)!, 'hex'));
    const dao = recordHashFromId(scenario.daoId);
    let hers = newGroupKey();
    while (groupKeyCommitment(hers)[0] !== 0) hers = newGroupKey();
    const hersId = groupKeyCommitment(hers);
    const boxFor = (who: Actor) => sealKeyBox({ dao, epoch, keyId: hersId }, hers, mallory.key.publicKey, addressBytes(who.key.address));
    const boxes = attack === 'boxes that do not open' ? [boxFor(alice), boxFor(bob), boxFor(mallory)] : [boxFor(mallory)];
    scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId: hersId, boxes }));
    await deliver(nodes, scenario.records);
    assert.ok(sameKey(m.keys.current(m.replica), { id: hersId, key: hers }), attack);
    for (const from of [a, b]) assert.equal(from.keys.current(from.replica), null, `${attack}: nobody else holds her key`);

    // Alice's node finds a new key due: at once when her box did not open, after the grace period when she has none.
    const subject = groupKeySubject(scenario.daoId, bytesToHex(epoch), null);
    if (attack === 'boxed only to its author') {
      const due = a.keys.dueTurn(a.replica)!;
      assert.equal(due.subject, subject);
      assert.ok(due.graceMs > 0 && due.graceMs <= 700, `${due.graceMs} ms`);
      assert.deepEqual(upkeep(scenario, a), [], 'nothing yet: a holder may still box her');
      await new Promise((resolve) => setTimeout(resolve, due.graceMs + 10));
    }
    assert.deepEqual(a.keys.dueTurn(a.replica), { subject, graceMs: 0 }, attack);
    assert.equal(upkeep(scenario, a).length, 1, attack);
    await deliver(nodes, scenario.records);
    const sealing = a.keys.current(a.replica)!;
    assert.notEqual(bytesToHex(sealing.id), bytesToHex(hersId), attack);
    assert.ok(sameKey(b.keys.current(b.replica), sealing), `${attack}: Alice and Bob seal with the new key`);
    const message = sealGossip(sealing, dao, new TextEncoder().encode('still talking'));
    assert.equal(new TextDecoder().decode(openGossip(b.keys.byId(b.replica, sealing.id)!, dao, message)!), 'still talking', attack);
    assert.ok(m.keys.byId(m.replica, sealing.id), `${attack}: Mallory was boxed the new key too, and reads gossip`);
    for (const from of [a, b]) assert.equal(from.keys.dueTurn(from.replica), null, `${attack}: nothing more is due`);
  }
});

test('a box sealed to the wrong key, added for a member who had none: her node makes a new key, and every holder adds a box of its own', async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'mallory']);
  const [alice, bob, mallory] = actors;
  const [a, b, m] = nodes;

  // Alice's node writes the epoch's key, ground to sort first, with sound boxes for herself and Mallory but none
  // for Bob (as when his public key had not reached her yet). Mallory, a holder, then adds Bob's box: sealed to
  // her own key, so it does not open for him, and no honest holder would add one, since he has a box.
  const epoch = Uint8Array.from(Buffer.from(GroupKeys.epochOf(a.replica)!, 'hex'));
  const dao = recordHashFromId(scenario.daoId);
  let key = newGroupKey();
  while (groupKeyCommitment(key)[0] !== 0 || groupKeyCommitment(key)[1] !== 0) key = newGroupKey();
  const keyId = groupKeyCommitment(key);
  const soundBox = (who: Actor) => sealKeyBox({ dao, epoch, keyId }, key, who.key.publicKey, addressBytes(who.key.address));
  scenario.write(alice, (context) => buildGroupKey(context, { epoch, keyId, boxes: [soundBox(alice), soundBox(mallory)] }));
  await deliver(nodes, scenario.records);
  const badBox = sealKeyBox({ dao, epoch, keyId }, key, mallory.key.publicKey, addressBytes(bob.key.address));
  scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId, boxes: [badBox] }));
  await deliver(nodes, scenario.records);
  for (const from of [a, m]) {
    assert.ok(sameKey(from.keys.current(from.replica), { id: keyId, key }));
    assert.equal(from.keys.dueTurn(from.replica), null, 'before Bob says anything, he looks boxed');
  }

  // Bob's box does not open: his node makes a new key at once, which says so.
  assert.equal(b.keys.current(b.replica), null);
  assert.equal(upkeep(scenario, b).length, 1);
  await deliver(nodes, scenario.records);

  // Each holder now owes Bob a box of its own, with no turn to wait for: Mallory may write another bad one, or none.
  for (const from of [a, m]) {
    const due = from.keys.dueTurn(from.replica)!;
    assert.deepEqual({ writers: due.writers, graceMs: due.graceMs }, { writers: [from.who.key.address], graceMs: 0 }, from.who.name);
  }
  scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId, boxes: [badBox] }));
  assert.equal(upkeep(scenario, a).length, 1);
  await deliver(nodes, scenario.records);

  // Bob holds the winning key now and seals with it; Alice reads him, he reads her.
  assert.ok(sameKey(b.keys.current(b.replica), { id: keyId, key }));
  const message = sealGossip(a.keys.current(a.replica)!, dao, new TextEncoder().encode('welcome back'));
  assert.equal(new TextDecoder().decode(openGossip(b.keys.byId(b.replica, keyId)!, dao, message)!), 'welcome back');
  for (const from of [a, b]) assert.equal(from.keys.dueTurn(from.replica), null, `${from.who.name}: nothing more is due`);
});

test("one member's many keys for an epoch, boxed only to one node, do not fill its candidates: it still takes the key the others use", async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'mallory'], { unboxedGraceMs: 300 });
  const [, bob, mallory] = actors;
  const [a, b] = nodes;
  // Mallory writes sixteen keys for the epoch, each boxed to Bob and herself only, and they reach Bob first.
  const epoch = Uint8Array.from(Buffer.from(GroupKeys.epochOf(a.replica)!, 'hex'));
  const dao = recordHashFromId(scenario.daoId);
  for (let i = 0; i < 16; i++) {
    const key = newGroupKey();
    const keyId = groupKeyCommitment(key);
    const boxes = [bob, mallory].map((who) => sealKeyBox({ dao, epoch, keyId }, key, who.key.publicKey, addressBytes(who.key.address)));
    scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId, boxes }));
  }
  await deliver(nodes, scenario.records);
  assert.equal(a.keys.current(a.replica), null, 'Alice was boxed none of them');
  // Alice's node, with no box after the grace period, makes a key for everyone.
  const due = a.keys.dueTurn(a.replica)!;
  assert.ok(due, 'a key is due for Alice');
  await new Promise((resolve) => setTimeout(resolve, due.graceMs + 10));
  assert.equal(upkeep(scenario, a).length, 1);
  await deliver(nodes, scenario.records);
  const alices = a.keys.current(a.replica)!;
  assert.ok(alices, 'Alice holds the key she made');
  const message = sealGossip(alices, dao, new TextEncoder().encode('can you read me'));
  const opened = b.keys.byId(b.replica, alices.id);
  assert.ok(opened, "Bob's node took Alice's key: Mallory's filled at most two of its candidates");
  assert.equal(new TextDecoder().decode(openGossip(opened, dao, message)!), 'can you read me');
});

test("one member's record with a hundred boxes for one node costs that node a few tries, not a hundred", async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'mallory'], { unboxedGraceMs: 0 });
  const [, bob, mallory] = actors;
  const [a, b] = nodes;
  // Each try is an ECDH: a hundred boxes addressed to Bob in each of Mallory's records (16 KiB) held his node's
  // event loop about half a second a record. Her last box for him is sound; his node gives up long before it.
  const epoch = Uint8Array.from(Buffer.from(GroupKeys.epochOf(b.replica)!, 'hex'));
  const dao = recordHashFromId(scenario.daoId);
  const hers = newGroupKey();
  const hersId = groupKeyCommitment(hers);
  const bad = sealKeyBox({ dao, epoch, keyId: hersId }, hers, mallory.key.publicKey, addressBytes(bob.key.address));
  const sound = sealKeyBox({ dao, epoch, keyId: hersId }, hers, bob.key.publicKey, addressBytes(bob.key.address));
  scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId: hersId, boxes: [...Array.from({ length: 99 }, () => bad), sound] }));
  await deliver(nodes, scenario.records);
  assert.equal(b.keys.byId(b.replica, hersId), undefined, 'the hundredth box was never tried');

  // Another member's key still opens: the bound is Mallory's alone.
  assert.equal(upkeep(scenario, a).length, 1);
  await deliver(nodes, scenario.records);
  assert.ok(sameKey(b.keys.current(b.replica), a.keys.current(a.replica)));
});

test('a damaged group-keys.json costs only what is damaged, and is kept aside rather than overwritten', async () => {
  const { scenario, nodes } = await threeMembers(['alice', 'bob', 'carol']);
  const [a, b] = nodes;
  upkeep(scenario, a);
  await deliver(nodes, scenario.records);
  const key = b.keys.current(b.replica)!;
  await b.keys.flushed();
  const path = join(b.dataDir, 'group-keys.json');
  const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  // Another DAO's entry with a digit damaged, and one with more keys an epoch than this version keeps.
  const hex = (bytes: number) => bytesToHex(newGroupKey()).slice(0, bytes * 2);
  stored['another DAO'] = [{ epoch: hex(16), keys: [`z${hex(32).slice(1)}`] }];
  stored['a third DAO'] = [{ epoch: hex(16), keys: Array.from({ length: 17 }, () => hex(32)) }];
  await writeFile(path, JSON.stringify(stored));
  const locked = await GroupKeys.open(b.dataDir, () => null);
  assert.ok(sameKey(locked.current(b.replica), key), 'locked, the sound entry still seals');
  assert.deepEqual(JSON.parse(await readFile(`${path}.damaged`, 'utf8')), stored);
  if (process.platform !== 'win32') assert.equal((await stat(`${path}.damaged`)).mode & 0o777, 0o600, 'keys stay readable by their owner only');

  // A file that is not JSON at all: nothing is held while locked, nothing throws, and the boxes open it again.
  await writeFile(path, '{"truncated');
  const unlocked = { key: null as MemberKey | null };
  const reopened = await GroupKeys.open(b.dataDir, () => unlocked.key);
  assert.equal(await readFile(`${path}.damaged`, 'utf8'), '{"truncated');
  assert.equal(reopened.current(b.replica), null);
  unlocked.key = b.who.key;
  assert.ok(sameKey(reopened.current(b.replica), key));
  await reopened.flushed();
});

test('a member set that comes back after more than 32 others keeps its key: a rotating seat', async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'carol']);
  const [a] = nodes;
  upkeep(scenario, a);
  await deliver([a], scenario.records);
  const founders = a.keys.current(a.replica)!;
  // Each guest's seat is an epoch of its own; between two guests the founders' set, and its key, come back.
  for (let seat = 0; seat < 34; seat++) {
    const guest = actor(`guest ${seat}`);
    pass(scenario, [actors[0], actors[1]], { kind: 'member.add', member: guest.key.address });
    await deliver([a], scenario.records);
    upkeep(scenario, a);
    // Four members: three votes and signatures.
    pass(scenario, actors, { kind: 'member.remove', member: guest.key.address });
    await deliver([a], scenario.records);
    assert.ok(sameKey(a.keys.current(a.replica), founders), `after guest ${seat + 1}`);
  }
  assert.equal(a.keys.dueTurn(a.replica), null, 'no new key for the founders');
});

test("two keys with one 8-byte id in a record of the first versions split nobody: records now commit to the key's whole hash, and nobody seals with such a key", async () => {
  const { actors, scenario, nodes } = await threeMembers(['alice', 'bob', 'mallory']);
  const [alice, bob, mallory] = actors;
  const [a, b] = nodes;
  // Found by a birthday search (about 2^32 hashes, minutes on two cores): two keys whose SHA-256 share 8 bytes.
  const [k1, k2] = ['0321a877970dbe69', 'aa0c403925c0e31d'].map((start) => hexToBytes(start.padEnd(64, '0'))) as [Uint8Array, Uint8Array];
  assert.deepEqual(groupKeyId(k1), groupKeyId(k2));
  const epoch = hexToBytes(GroupKeys.epochOf(a.replica)!);
  const dao = recordHashFromId(scenario.daoId);
  const keyId = groupKeyId(k1);
  const box = (key: Uint8Array, who: Actor) => sealKeyBox({ dao, epoch, keyId }, key, who.key.publicKey, addressBytes(who.key.address));
  // Mallory's record names 8 bytes, as records of the first versions did: one key boxed to Alice, the other to Bob.
  scenario.write(mallory, (context) => buildGroupKey(context, { epoch, keyId, boxes: [box(k1, alice), box(k2, bob), box(k1, mallory)] }));
  await deliver(nodes, scenario.records);
  assert.ok(sameKey(a.keys.byId(a.replica, keyId), { id: keyId, key: k1 }), 'each box opens, so gossip sealed with either still reads');
  assert.ok(sameKey(b.keys.byId(b.replica, keyId), { id: keyId, key: k2 }));
  assert.equal(a.keys.current(a.replica), null, 'but nobody seals with it');
  assert.equal(b.keys.current(b.replica), null);

  // A node makes a key committed to whole, the others get boxes: everyone seals with it and reads everyone.
  for (let round = 0; round < 3; round++) {
    for (const from of nodes) upkeep(scenario, from);
    await deliver(nodes, scenario.records);
  }
  const sealing = nodes.map((from) => from.keys.current(from.replica));
  assert.ok(sealing.every((key) => sameKey(key, sealing[0])), 'one key for all');
  const message = sealGossip(sealing[0]!, dao, new TextEncoder().encode('hello Bob'));
  assert.equal(new TextDecoder().decode(openGossip(b.keys.byId(b.replica, sealing[0]!.id)!, dao, message)!), 'hello Bob');
});
