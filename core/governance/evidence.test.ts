// The remaining reasons a record is ignored for, each produced by a record made for it (the others are in
// the voting, certificate, membership, rage quit, device and ledger tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressBytes, recordHashFromId, type UnsignedRecord } from '../ledger/record.ts';
import { buildProposal, buildTallySignature, buildVote, buildWithdrawal, type RecordContext } from './record-builders.ts';
import { reasons } from './reasons.ts';
import { quadratic, simpleMajority } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

function withBody(build: (context: RecordContext) => UnsignedRecord, body: UnsignedRecord['body']) {
  return (context: RecordContext) => ({ ...build(context), body });
}

test('malformed, misplaced and out-of-place records each get their reason', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'S' });
  const orphan = scenario.write(alice, (context) => ({ ...buildVote(context, { proposal, choice: 'yes' }), deps: [] }));
  assert.equal(scenario.evidenceFor(orphan), reasons.notDescended);
  const badParams = scenario.write(
    alice,
    withBody((context) => buildProposal(context, { kind: 'signal', params: { text: '' }, title: 'x' }), { kind: 'member.add', title: 'x', params: { member: addressBytes(bob.key.address), shares: -5 } }),
  );
  assert.match(scenario.evidenceFor(badParams)!, new RegExp(`^${reasons.invalidParams}: shares`));
  const chooser = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Mine', voting: { type: 'lazy-consensus', objectionBps: 10_000 } });
  assert.equal(scenario.evidenceFor(chooser), reasons.modeNotAllowed);
  const nowhere = scenario.write(alice, (context) => buildVote(context, { proposal: scenario.daoId, choice: 'yes' }));
  assert.equal(scenario.evidenceFor(nowhere), reasons.unknownProposal);
  const counted = scenario.vote(bob, proposal, 'yes', { votes: 2 });
  assert.equal(scenario.evidenceFor(counted), reasons.votesOnlyQuadratic);
  const malformedVote = scenario.write(bob, withBody((context) => buildVote(context, { proposal, choice: 'yes' }), { proposal: recordHashFromId(proposal), choice: 'maybe' }));
  assert.match(scenario.evidenceFor(malformedVote)!, /^malformed body: choice/);
});

test('after the final certificate: no vote, no withdrawal, no other certificate', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'S' });
  const yes = scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(day);
  // Signed exactly at the deadline, so a vote on top of it can still claim the deadline as its time.
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  assert.equal(scenario.proposal(proposal).status, 'passed');
  const vote = scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(vote), reasons.voteAfterFinal);
  const other = scenario.write(carol, (context) => buildTallySignature(context, { proposal, votes: [yes.id], outcome: 'rejected' }));
  assert.equal(scenario.evidenceFor(other), reasons.otherCertificateFinal);
  const withdrawal = scenario.write(alice, (context) => buildWithdrawal(context, proposal), { time: scenario.now - hour });
  assert.equal(scenario.evidenceFor(withdrawal), reasons.alreadyDecided);
});

test('a quadratic abstention spends nothing and names no votes', () => {
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), votingPeriodMs: day });
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Q' });
  const abstain = scenario.vote(bob, proposal, 'abstain', { votes: 2 });
  assert.equal(scenario.evidenceFor(abstain), reasons.abstainHasNoVotes);
  assert.equal(scenario.evidenceFor(scenario.vote(carol, proposal, 'abstain')), undefined);
});

test('a proposal made concurrently with its author\'s rage quit is void: votes on it are ignored', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const before = scenario.ledger.heads();
  scenario.ragequit(carol);
  const proposal = scenario.propose(carol, { kind: 'signal', params: { text: '' }, title: 'Parting shot' }, { deps: before });
  assert.equal(scenario.evidenceFor(proposal), reasons.concurrentWithRagequit);
  assert.equal(scenario.proposal(proposal).status, 'withdrawn');
  const vote = scenario.vote(alice, proposal, 'yes');
  assert.equal(scenario.evidenceFor(vote), `${reasons.authorLeft}: the proposal was ${reasons.concurrentWithRagequit}`);
});
