// A passed proposal executes in the first record past its grace period. In a DAO where nobody writes, the node
// writes that record itself (DaoService #execute): its device's delegation again, once, so that the effect
// shows without waiting for anyone's next action; and not while its identity is locked, but as soon as it
// unlocks. Members' nodes that reach each other take turns, so that one of them writes it (two devices of one
// member take two turns). Real nodes on the real clock, with short periods (several nodes in this process,
// envelopes carried as soon as written).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ledgerRecords } from '../../core/dao/dao-doc.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { executionSubject, turnOrder, type DaoService } from './dao-service.ts';
import { onlineAs, openCarriedServices } from './test-services.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh execution test member')));
const periodMs = 1500;

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('past its grace period a passed grant executes by a record the node writes itself, once, and only while unlocked', async (t) => {
  const node = await openCarriedServices(t, [member], () => ({ anchorDelayMs: 0 }));
  const [service] = node.services as [DaoService];
  const { dao } = await service.create({ name: 'Quiet', preset: 'simple-majority', founders: [], votingPeriodMs: periodMs, gracePeriodMs: periodMs });
  const replica = service.replica(dao)!;
  const delegations = () => [...ledgerRecords(replica.doc)].filter((record) => record.record.kind === 'device.delegate').length;
  const reputation = () => service.get(dao).members.find((entry) => entry.address === member.address)?.reputation;
  const status = (proposal: string) => service.get(dao).proposals.find((entry) => entry.id === proposal)?.status;

  const pass = async (points: number): Promise<string> => {
    const { proposal } = await service.propose({ dao, title: `Thanks ${points}`, params: { kind: 'reputation.grant', member: member.address, points } });
    await service.vote({ dao, proposal, choice: 'yes' });
    await until('the voting period to end', () => status(proposal) === 'closed' || Date.now() > service.get(dao).proposals.find((entry) => entry.id === proposal)!.votingEndsAt);
    await service.signTally({ dao, proposal });
    assert.equal(status(proposal), 'passed');
    return proposal;
  };

  // 1. Unlocked: nothing else is written, yet the grant executes once its grace period is over.
  const first = await pass(5);
  const before = delegations();
  assert.equal(reputation(), 0, 'in its grace period');
  await until('the grant to execute', () => status(first) === 'executed');
  assert.equal(reputation(), 5);
  assert.equal(delegations(), before + 1, 'one record carried the execution: the delegation again');
  const size = replica.ledger.size;
  await new Promise((resolve) => setTimeout(resolve, 2 * periodMs));
  assert.equal(replica.ledger.size, size, 'and nothing after it');
  assert.deepEqual(service.get(dao).evidence, [], 'the record counts');

  // 2. Locked when it comes due: nothing can be signed, so it waits; the unlock writes it.
  const second = await pass(3);
  node.locked.add(member.address);
  const due = service.get(dao).proposals.find((entry) => entry.id === second)!.executesAt!;
  await until('the execution time to pass', () => Date.now() > due + 500);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(status(second), 'passed', 'a locked node writes nothing');
  node.locked.delete(member.address);
  await service.announceDevice();
  await until('the grant to execute after the unlock', () => status(second) === 'executed');
  assert.equal(reputation(), 8);
});

test('members\' nodes that reach each other take turns: the first in the order writes the execution, the next when it is locked', async (t) => {
  const keys = ['alice', 'bob', 'carol'].map((name) => memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh execution turns ${name}`))));
  const addresses = keys.map((key) => key.address);
  const turnMs = 1500;
  const mesh = await openCarriedServices(t, keys, () => ({
    // Everyone is online, and what a node writes or takes in reaches the others at once.
    onlineNodes: () => onlineAs(addresses),
    turnMs,
    anchorDelayMs: 0,
  }));
  const { services } = mesh;
  const [first] = services as [DaoService];
  // Three votes to carry: a longer voting period than the single node's, so that a slow machine still makes it.
  ({ dao: mesh.dao } = await first.create({ name: 'Turns', preset: 'simple-majority', founders: addresses.slice(1), votingPeriodMs: 2 * periodMs, gracePeriodMs: periodMs }));
  const { dao } = mesh;
  await mesh.carryAll();
  mesh.connected = true;
  const proposalAt = (service: DaoService, proposal: string) => service.get(dao).proposals.find((entry) => entry.id === proposal);
  /** The records that claim a time at or past `due`: what carried the execution. */
  const writtenSince = (service: DaoService, due: number) => [...ledgerRecords(service.replica(dao)!.doc)].filter((record) => record.record.time >= due);

  const pass = async (points: number): Promise<{ proposal: string; due: number }> => {
    const { proposal } = await first.propose({ dao, title: `Thanks ${points}`, params: { kind: 'reputation.grant', member: addresses[2]!, points } });
    for (const service of services) {
      await until('the proposal to reach every node', () => proposalAt(service, proposal) !== undefined);
      await service.vote({ dao, proposal, choice: 'yes' });
    }
    await until('the voting period to end', () => Date.now() > proposalAt(first, proposal)!.votingEndsAt);
    // One signature after another, each seen by the next signer (no certificate to anchor), up to the threshold.
    for (const service of services) {
      await until('the votes and signatures so far to reach every node', () => services.every((other) => other.replica(dao)!.ledger.size === service.replica(dao)!.ledger.size));
      if (proposalAt(service, proposal)?.status === 'passed') break;
      await service.signTally({ dao, proposal });
    }
    await until('every node to see it passed', () => services.every((service) => proposalAt(service, proposal)?.status === 'passed'));
    return { proposal, due: proposalAt(first, proposal)!.executesAt! };
  };
  const settled = async (proposal: string, due: number): Promise<void> => {
    await until('every node to see it executed', () => services.every((service) => proposalAt(service, proposal)?.status === 'executed'));
    // Every turn over, and what any node wrote carried everywhere.
    await until('the last turn to be over', () => Date.now() > due + services.length * turnMs + 1000);
    await mesh.carried();
    await until('every node to hold the same records', () => services.every((service) => service.replica(dao)!.ledger.stateHash() === first.replica(dao)!.ledger.stateHash()));
  };

  // 1. Everyone unlocked: the first in the order writes the one record, the others find it executed.
  const grant = await pass(5);
  const order = turnOrder(executionSubject(grant.due), addresses);
  await settled(grant.proposal, grant.due);
  const written = writtenSince(first, grant.due);
  assert.equal(written.length, 1, 'one record carried the execution');
  assert.equal(written[0]!.record.kind, 'device.delegate');
  assert.equal(written[0]!.author, order[0], 'written by the node whose turn came first');
  assert.equal(first.get(dao).members.find((entry) => entry.address === addresses[2])?.reputation, 5);

  // 2. The first in the order is locked: the next one writes it, one turn later.
  const second = await pass(3);
  const next = turnOrder(executionSubject(second.due), addresses);
  mesh.locked.add(next[0]!);
  await settled(second.proposal, second.due);
  const writtenAgain = writtenSince(first, second.due);
  assert.equal(writtenAgain.length, 1, 'one record carried the execution');
  assert.equal(writtenAgain[0]!.author, next[1], 'written by the node whose turn came second');
  assert.ok(writtenAgain[0]!.record.time >= second.due + turnMs, 'once the first turn was over');
  assert.equal(first.get(dao).members.find((entry) => entry.address === addresses[2])?.reputation, 8);
});

test('two devices of one member take two turns: one of them writes the execution', async (t) => {
  const devices = ['laptop', 'desktop'];
  const turnMs = 500;
  const mesh = await openCarriedServices(t, [member, member], (_, index) => ({
    nodeName: devices[index]!,
    // Both online, each reaching the other.
    onlineNodes: () => devices.map((node) => ({ node, member: member.address })),
    turnMs,
    anchorDelayMs: 0,
  }));
  const [laptop, desktop] = mesh.services as [DaoService, DaoService];
  ({ dao: mesh.dao } = await laptop.create({ name: 'Two devices', preset: 'simple-majority', founders: [], votingPeriodMs: periodMs, gracePeriodMs: periodMs }));
  const { dao } = mesh;
  await mesh.carryAll();
  mesh.connected = true;
  const proposalAt = (service: DaoService) => service.get(dao).proposals[0];
  const { proposal } = await laptop.propose({ dao, title: 'Thanks', params: { kind: 'reputation.grant', member: member.address, points: 5 } });
  await laptop.vote({ dao, proposal, choice: 'yes' });
  await until('the voting period to end', () => Date.now() > proposalAt(laptop)!.votingEndsAt);
  await laptop.signTally({ dao, proposal });
  await until('both devices to see it passed', () => [laptop, desktop].every((service) => proposalAt(service)?.status === 'passed'));
  const due = proposalAt(laptop)!.executesAt!;

  await until('both devices to see it executed', () => [laptop, desktop].every((service) => proposalAt(service)?.status === 'executed'));
  await until('both turns to be over', () => Date.now() > due + 2 * turnMs + 1000);
  await mesh.carried();
  await until('both devices to hold the same records', () => laptop.replica(dao)!.ledger.stateHash() === desktop.replica(dao)!.ledger.stateHash());
  const written = [...ledgerRecords(laptop.replica(dao)!.doc)].filter((record) => record.record.time >= due);
  assert.equal(written.length, 1, 'one record carried the execution');
  assert.equal(laptop.get(dao).members[0]?.reputation, 5);
});

test('the order of turns is the same on every node, whatever the order of the members it is given, and moves with the subject', () => {
  const members = ['0x1111111111111111111111111111111111111111', '0x2222222222222222222222222222222222222222', '0x3333333333333333333333333333333333333333'];
  const order = turnOrder(executionSubject(1_000), members);
  assert.deepEqual(turnOrder(executionSubject(1_000), [...members].reverse()), order);
  assert.deepEqual([...order].sort(), members);
  const firsts = new Set(Array.from({ length: 50 }, (_, i) => turnOrder(executionSubject(i * 1000), members)[0]));
  assert.equal(firsts.size, 3, 'each member comes first at some time');
});
