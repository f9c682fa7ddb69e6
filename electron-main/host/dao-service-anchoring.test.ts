// A node that did not sign a certificate still anchors it when it holds signatures that no record has all of:
// it signs the certificate when it is exactly the one its member would sign, and otherwise writes its device's
// delegation again (valid, no governance effect); and where the members' nodes reach each other, only the
// first in their turn order does; a node whose identity was locked meanwhile anchors once it unlocks. Three nodes
// in this process, envelopes carried by hand or as soon as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ledgerRecords } from '../../core/dao/dao-doc.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import type { DaoService } from './dao-service.ts';
import { onlineAs, openCarriedServices } from './test-services.ts';

const minute = 60 * 1000;
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((name) => memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh anchoring test ${name}`))));

test('a node that did not sign anchors concurrently signed certificates: by signing what it would sign, else by its delegation', async (t) => {
  const clock = { now: Date.UTC(2026, 3, 1) };
  const mesh = await openCarriedServices(t, [alice!, bob!, carol!], () => ({ now: () => clock.now, anchorDelayMs: 0 }));
  const [a, b, c] = mesh.services;
  const { dao } = await a!.create({ name: 'Three', preset: 'simple-majority', founders: [bob!.address, carol!.address], votingPeriodMs: minute, gracePeriodMs: minute });
  mesh.dao = dao;
  const sync = mesh.carry;
  const written = (service: DaoService, kind: string, author: string) =>
    [...ledgerRecords(service.replica(dao)!.doc)].filter((record) => record.record.kind === kind && record.author === author).length;
  const status = (service: DaoService, proposal: string) => service.get(dao).proposals.find((entry) => entry.id === proposal)?.status;
  /** Waits for the node's anchoring check, which runs after the envelopes it accepted. */
  const settled = async (service: DaoService, proposal: string) => {
    for (let i = 0; i < 100 && status(service, proposal) !== 'passed'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  for (const to of [b!, c!]) await sync(a!, to);

  // 1. Carol voted no, but Alice and Bob signed without seeing her vote: what they signed is not what she
  // would sign, so her node anchors with its delegation.
  const { proposal: first } = await a!.propose({ dao, title: 'First', params: { kind: 'signal', text: '' } });
  for (const to of [b!, c!]) await sync(a!, to);
  await a!.vote({ dao, proposal: first, choice: 'yes' });
  await b!.vote({ dao, proposal: first, choice: 'yes' });
  await c!.vote({ dao, proposal: first, choice: 'no' });
  await sync(a!, b!);
  await sync(b!, a!);
  clock.now += minute + 1;
  await a!.signTally({ dao, proposal: first });
  await b!.signTally({ dao, proposal: first });
  const delegations = written(c!, 'device.delegate', carol!.address);
  await sync(a!, c!);
  await sync(b!, c!);
  await settled(c!, first);
  assert.equal(status(c!, first), 'passed', 'final at Carol: her node wrote a record holding both signatures');
  assert.equal(written(c!, 'device.delegate', carol!.address), delegations + 1, 'her delegation, again');
  assert.equal(written(c!, 'tally.sign', carol!.address), 0, 'she signed nothing she would not sign');
  assert.deepEqual(c!.replica(dao)!.ledger.certificatesToAnchor(), []);

  // 2. Everyone saw every vote; Alice and Bob sign concurrently: Carol's node signs the same certificate.
  const { proposal: second } = await a!.propose({ dao, title: 'Second', params: { kind: 'signal', text: '' } });
  for (const to of [b!, c!]) await sync(a!, to);
  await a!.vote({ dao, proposal: second, choice: 'yes' });
  await b!.vote({ dao, proposal: second, choice: 'yes' });
  for (const [from, to] of [[a, b], [b, a], [a, c], [b, c], [c, a], [c, b]] as const) await sync(from!, to!);
  clock.now += minute + 1;
  await a!.signTally({ dao, proposal: second });
  await b!.signTally({ dao, proposal: second });
  await sync(a!, c!);
  await sync(b!, c!);
  await settled(c!, second);
  assert.equal(status(c!, second), 'passed');
  assert.equal(written(c!, 'tally.sign', carol!.address), 1, 'Carol signed the certificate she would sign anyway');
  // Only her vote on the first, which the final certificate left out, is evidence: nothing her node wrote itself.
  assert.deepEqual(c!.get(dao).evidence.map((entry) => [entry.kind, entry.reason]), [['vote', 'not in the final tally certificate']]);

  // Back at Alice's and Bob's nodes, all of it is final too, and nobody anchors again.
  for (const [from, to] of [[c, a], [c, b]] as const) await sync(from!, to!);
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const service of [a!, b!]) {
    assert.deepEqual([first, second].map((proposal) => service.get(dao).proposals.find((entry) => entry.id === proposal)?.certificate?.final), [true, true]);
    assert.deepEqual(service.replica(dao)!.ledger.certificatesToAnchor(), []);
  }
  assert.equal(a!.replica(dao)!.ledger.size, c!.replica(dao)!.ledger.size, 'nobody wrote after Carol');
});

test('nodes that reach each other take turns at anchoring: after a partition heals, one record finalizes the certificate', async (t) => {
  const clock = { now: Date.UTC(2026, 3, 1) };
  const keys = [alice!, bob!, carol!];
  const addresses = keys.map((key) => key.address);
  const turnMs = 1500;
  const mesh = await openCarriedServices(t, keys, (key) => ({
    now: () => clock.now,
    onlineNodes: () => onlineAs(mesh.connected ? addresses : [key.address]),
    turnMs,
    anchorDelayMs: 0,
  }));
  const { services } = mesh;
  const [a, b] = services as [DaoService, DaoService];
  ({ dao: mesh.dao } = await a.create({ name: 'Turns', preset: 'simple-majority', founders: addresses.slice(1), votingPeriodMs: minute, gracePeriodMs: minute }));
  const { dao } = mesh;
  await mesh.carryAll();
  mesh.connected = true;
  const { proposal } = await a.propose({ dao, title: 'Together', params: { kind: 'signal', text: '' } });
  await mesh.carryAll();
  for (const service of services) await service.vote({ dao, proposal, choice: 'yes' });
  await mesh.carryAll();
  await mesh.carried();

  // Cut off from each other, Alice and Bob sign: two signatures, the threshold, that no record holds together.
  mesh.connected = false;
  clock.now += minute + 1;
  await a.signTally({ dao, proposal });
  await b.signTally({ dao, proposal });
  const size = a.replica(dao)!.ledger.size + 1; // every record, both signatures included

  // Healed: every node holds both signatures, and the first node in the order anchors them.
  mesh.connected = true;
  await mesh.carryAll();
  const status = (service: DaoService) => service.get(dao).proposals.find((entry) => entry.id === proposal)?.status;
  const deadline = Date.now() + 15_000;
  while (!services.every((service) => status(service) === 'passed' && service.replica(dao)!.ledger.certificatesToAnchor().length === 0)) {
    assert.ok(Date.now() < deadline, 'timed out waiting for the certificate to be final everywhere');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Every turn over, and whatever any node wrote carried everywhere.
  await new Promise((resolve) => setTimeout(resolve, services.length * turnMs + 500));
  await mesh.carried();
  await mesh.carryAll();
  for (const service of services) assert.equal(service.replica(dao)!.ledger.size, size + 1, 'one record anchored the certificate');
});

test('certificates that came to anchor while every node was locked are anchored once a node unlocks', async (t) => {
  const clock = { now: Date.UTC(2026, 3, 1) };
  const keys = [alice!, bob!, carol!];
  const addresses = keys.map((key) => key.address);
  const turnMs = 300;
  const mesh = await openCarriedServices(t, keys, () => ({ now: () => clock.now, onlineNodes: () => onlineAs(addresses), turnMs, anchorDelayMs: 0 }));
  const { services } = mesh;
  const [a, b, c] = services as [DaoService, DaoService, DaoService];
  ({ dao: mesh.dao } = await a.create({ name: 'Locked', preset: 'simple-majority', founders: addresses.slice(1), votingPeriodMs: minute, gracePeriodMs: minute }));
  const { dao } = mesh;
  await mesh.carryAll();
  const { proposal } = await a.propose({ dao, title: 'While locked', params: { kind: 'signal', text: '' } });
  await mesh.carryAll();
  for (const service of services) await service.vote({ dao, proposal, choice: 'yes' });
  await mesh.carryAll();
  clock.now += minute + 1;
  // Alice and Bob sign apart; then every identity locks, and the signatures reach every node.
  await a.signTally({ dao, proposal });
  await b.signTally({ dao, proposal });
  for (const address of addresses) mesh.locked.add(address);
  await mesh.carryAll();
  await new Promise((resolve) => setTimeout(resolve, 3 * turnMs + 300));
  for (const service of services) assert.equal(service.replica(dao)!.ledger.certificatesToAnchor().length, 1, 'nobody could sign an anchor');
  const size = c.replica(dao)!.ledger.size;

  // Carol unlocks (the host then calls announceDevice): her node anchors, in its turn, with nobody before it writing.
  mesh.locked.delete(carol!.address);
  await c.announceDevice();
  const deadline = Date.now() + 10_000;
  while (c.replica(dao)!.ledger.certificatesToAnchor().length > 0) {
    assert.ok(Date.now() < deadline, 'timed out waiting for the unlocked node to anchor');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(c.replica(dao)!.ledger.size, size + 1, 'one record anchored the certificate');
  assert.equal(c.get(dao).proposals.find((entry) => entry.id === proposal)?.status, 'passed');
});
