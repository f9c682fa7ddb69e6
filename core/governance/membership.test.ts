// Admission and removal only through passed proposals (or the genesis list); removal wins over what the
// removed member did concurrently, offline or not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaoLedger } from './dao-ledger.ts';
import { reasons } from './reasons.ts';
import { simpleMajority, type Rules } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const rules: Rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

function dao(overrides: Partial<Rules> = {}) {
  const [alice, bob, carol, dave, erin] = ['alice', 'bob', 'carol', 'dave', 'erin'].map(actor) as Actor[] as [Actor, Actor, Actor, Actor, Actor];
  return { scenario: new Scenario([alice, bob, carol], { ...rules, ...overrides }), alice, bob, carol, dave, erin };
}

/** Alice and Bob vote yes, the period ends, both sign. */
function pass(scenario: Scenario, proposal: string, yes: readonly Actor[]): void {
  for (const member of yes) scenario.vote(member, proposal, 'yes');
  scenario.advance(day + 1);
  for (const member of yes.slice(0, 2)) scenario.sign(member, proposal);
}

test('a passed member.add executes after the grace period; then the new member votes and signs', () => {
  const { scenario, alice, bob, carol, dave } = dao();
  const early = scenario.vote(dave, scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'x' }), 'yes');
  assert.equal(scenario.evidenceFor(early), reasons.notMember);
  const add = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 40n }, title: 'Add Dave' });
  pass(scenario, add, [alice, bob]);
  assert.equal(scenario.proposal(add).status, 'passed');
  assert.equal(scenario.proposal(add).executesAt, scenario.proposal(add).certificate!.finalizedAt + hour);
  assert.ok(!scenario.memberAddresses().includes(dave.key.address), 'not yet: grace period');
  scenario.advance(hour);
  const next = scenario.propose(carol, { kind: 'signal', params: { text: 'welcome' }, title: 'Welcome' });
  assert.equal(scenario.proposal(add).status, 'executed');
  const state = scenario.state();
  assert.deepEqual(
    state.members.map((member) => [member.address, member.shares]),
    [alice, bob, carol, dave].map((member) => [member.key.address, member === dave ? 40n : 100n]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );
  assert.equal(state.signatureThreshold, 3, 'four members: more than half is three');
  scenario.vote(dave, next, 'yes');
  scenario.vote(alice, next, 'yes');
  scenario.vote(bob, next, 'yes');
  scenario.advance(day + 1);
  for (const member of [dave, alice, bob]) scenario.sign(member, next);
  assert.equal(scenario.proposal(next).status, 'passed');
  assert.ok(scenario.proposal(next).certificate!.signers.includes(dave.key.address));
});

test('member cap: a proposal past the cap is refused, a concurrent second admission fails, and nearCap warns', () => {
  const { scenario, alice, bob, dave, erin } = dao({ memberCap: 4 });
  assert.equal(scenario.state().nearCap, true, '3 members, cap 4');
  const addDave = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 1n }, title: 'Dave' });
  const addErin = scenario.propose(bob, { kind: 'member.add', params: { member: erin.key.address, shares: 1n }, title: 'Erin' });
  for (const proposal of [addDave, addErin]) for (const member of [alice, bob]) scenario.vote(member, proposal, 'yes');
  scenario.advance(day + 1);
  for (const proposal of [addDave, addErin]) for (const member of [alice, bob]) scenario.sign(member, proposal);
  scenario.advance(hour);
  const refused = scenario.propose(alice, { kind: 'member.add', params: { member: actor('frank').key.address, shares: 1n }, title: 'Frank' });
  const statuses = [scenario.proposal(addDave), scenario.proposal(addErin)].map((proposal) => [proposal.status, proposal.failure]);
  assert.deepEqual(statuses, [
    ['executed', null],
    ['failed', 'member cap reached (4)'],
  ]);
  assert.equal(scenario.evidenceFor(refused), 'member cap reached (4)');
  assert.equal(scenario.state().members.length, 4);
});

test('removal: between the final certificate and execution the member may only rage quit; after it nothing counts', () => {
  const { scenario, alice, bob, carol } = dao();
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: carol.key.address }, title: 'Remove Carol' });
  const other = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Other' });
  pass(scenario, removal, [alice, bob]);
  const inGrace = scenario.propose(carol, { kind: 'signal', params: { text: 'wait' }, title: 'Wait' });
  assert.equal(scenario.evidenceFor(inGrace), reasons.beingRemoved);
  scenario.advance(hour);
  scenario.vote(alice, other, 'yes');
  assert.equal(scenario.proposal(removal).status, 'executed');
  const after = scenario.vote(carol, other, 'no');
  assert.equal(scenario.evidenceFor(after), reasons.notMember);
  const exit = scenario.state().exits[0]!;
  assert.deepEqual([exit.member, exit.reason, exit.shares, exit.totalShares, exit.claimBps], [carol.key.address, 'removed', 100n, 300n, 3333]);
  assert.equal(scenario.state().totalShares, 200n);
});

test('removal wins: records the removed member made concurrently, offline, do not count when they arrive', () => {
  const { scenario, alice, bob, carol } = dao();
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: carol.key.address }, title: 'Remove Carol' });
  const other = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Other' });
  // Carol goes offline with what she has now and keeps working.
  const offline = new DaoLedger(scenario.daoId);
  offline.add(scenario.records);
  const offlineTime = scenario.now + hour;
  pass(scenario, removal, [alice, bob]);
  scenario.advance(hour);
  scenario.vote(alice, other, 'yes');
  assert.equal(scenario.proposal(removal).status, 'executed');
  const carolsVote = scenario.vote(carol, other, 'no', { deps: offline.heads(), into: offline, time: offlineTime });
  const carolsProposal = scenario.propose(carol, { kind: 'signal', params: { text: 'offline idea' }, title: 'Idea' }, { deps: offline.heads(), into: offline, time: offlineTime });
  // She comes back online.
  scenario.ledger.add([carolsVote, ...scenario.records.filter((record) => record.id === carolsProposal)]);
  assert.equal(scenario.evidenceFor(carolsVote), reasons.concurrentWithRemoval);
  assert.equal(scenario.evidenceFor(carolsProposal), reasons.concurrentWithRemoval);
  assert.equal(scenario.proposal(carolsProposal).status, 'withdrawn');
  scenario.vote(bob, other, 'yes');
  scenario.advance(day);
  const proposed = scenario.ledger.proposeCertificate(other, scenario.now);
  assert.ok(proposed.ok);
  assert.ok(!proposed.certificate.votes.includes(carolsVote.id), 'an honest certificate leaves her vote out');
  const stale = scenario.signCertificate(alice, { ...proposed.certificate, votes: [...proposed.certificate.votes, carolsVote.id] });
  assert.equal(scenario.evidenceFor(stale), reasons.voteNotStanding);
  // Every replica, in any order, agrees.
  const replica = new DaoLedger(scenario.daoId);
  replica.add([...scenario.ledger.canonicalOrder()].reverse().map((id) => scenario.records.find((record) => record.id === id)!));
  assert.equal(replica.stateHash(), scenario.ledger.stateHash());
});

test('only genesis founders and passed admissions are members; a vote by someone admitted after the proposal does not count', () => {
  const { scenario, alice, bob, dave } = dao({ gracePeriodMs: 0 });
  const add = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 0n }, title: 'Dave' });
  scenario.advance(60_000);
  const before = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Made before Dave joined' });
  scenario.vote(alice, add, 'yes');
  scenario.vote(bob, add, 'yes');
  scenario.advance(day - 60_000);
  scenario.sign(alice, add);
  scenario.sign(bob, add);
  assert.equal(scenario.proposal(add).status, 'executed', 'no grace period');
  scenario.advance(30_000);
  const vote = scenario.vote(dave, before, 'yes');
  assert.equal(scenario.evidenceFor(vote), reasons.notInElectorate);
});

test('a removal taking effect lowers the signature threshold: the next record, written on top of the last one, finalizes what now has enough', () => {
  // Two founders: two signatures needed, then one once Bob is gone. Nothing but time changes between Alice's
  // last two records, so only the governance state in the new record's view can tell that a proposal is final.
  const [alice, bob] = ['alice', 'bob'].map(actor) as [Actor, Actor];
  const scenario = new Scenario([alice, bob], { ...simpleMajority(2), votingPeriodMs: day, gracePeriodMs: hour });
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: bob.key.address }, title: 'Bob leaves' });
  const question = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Question' });
  scenario.vote(alice, question, 'yes');
  pass(scenario, removal, [alice, bob]);
  scenario.sign(alice, question);
  assert.equal(scenario.proposal(question).certificate, null, 'one signature of two members is not enough');
  scenario.advance(hour);
  scenario.propose(alice, { kind: 'signal', params: { text: 'later' }, title: 'Later' });
  assert.equal(scenario.proposal(removal).status, 'executed');
  assert.notEqual(scenario.proposal(question).certificate, null, 'one signature of the one member left is enough');
  // And a fold of the same records in another order agrees.
  const other = new DaoLedger(scenario.daoId);
  other.add([...scenario.records].reverse());
  assert.equal(other.stateHash(), scenario.ledger.stateHash());
});
