// Voting modes and ballots through the whole fold: changed and double votes, non-member votes, quadratic
// credits, lazy consensus and reputation weights, each with its outcome and its evidence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasons } from './reasons.ts';
import { lazyConsensus, quadratic, reputationWeighted, simpleMajority, type Rules } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const timing = { votingPeriodMs: day, gracePeriodMs: hour };

function dao(rules: Rules) {
  const scenario = new Scenario([alice, bob, carol], { ...rules, ...timing });
  return { scenario, signal: (title = 'Signal') => scenario.propose(alice, { kind: 'signal', params: { text: '' }, title }) };
}

function close(scenario: Scenario, proposal: string, signers: readonly Actor[] = [alice, bob]): void {
  scenario.advance(day + 1);
  for (const signer of signers) scenario.sign(signer, proposal);
}

test('a changed vote: the member\'s latest vote counts, the earlier one is superseded', () => {
  const { scenario, signal } = dao(simpleMajority(3));
  const proposal = signal();
  scenario.vote(alice, proposal, 'yes');
  const first = scenario.vote(bob, proposal, 'yes');
  scenario.vote(bob, proposal, 'no');
  scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(first), reasons.superseded);
  assert.deepEqual([scenario.proposal(proposal).tally.yes, scenario.proposal(proposal).tally.no], [1n, 2n]);
  close(scenario, proposal);
  assert.equal(scenario.proposal(proposal).status, 'rejected');
  assert.equal(scenario.proposal(proposal).tally.reason, 'threshold not met');
  assert.equal(scenario.evidenceFor(first), reasons.superseded);
});

test('a tie and an unmet quorum are rejected through the fold too, with the tally\'s reason', () => {
  const { scenario, signal } = dao(simpleMajority(3));
  const tie = signal('Tie');
  const quiet = signal('Quiet');
  scenario.vote(alice, tie, 'yes');
  scenario.vote(bob, tie, 'no');
  scenario.vote(carol, tie, 'abstain');
  scenario.vote(alice, quiet, 'yes');
  scenario.advance(day + 1);
  for (const proposal of [tie, quiet]) for (const signer of [alice, bob]) scenario.sign(signer, proposal);
  assert.deepEqual(
    [tie, quiet].map((proposal) => [scenario.proposal(proposal).status, scenario.proposal(proposal).tally.reason]),
    [
      ['rejected', 'tie'],
      ['rejected', 'quorum not met'],
    ],
  );
});

test('a double vote from two devices at once: one counts (the later in canonical order), the other is superseded', () => {
  const { scenario, signal } = dao(simpleMajority(3));
  const bobTwin = { ...bob };
  scenario.delegateDevice(bobTwin);
  const proposal = signal();
  const heads = scenario.ledger.heads();
  const fromKey = scenario.vote(bob, proposal, 'yes', { deps: heads });
  const fromDevice = scenario.vote(bobTwin, proposal, 'no', { deps: heads, asDevice: true });
  const counted = scenario.proposal(proposal).votes.find((vote) => vote.voter === bob.key.address)!;
  assert.ok([fromKey.id, fromDevice.id].includes(counted.record));
  const other = counted.record === fromKey.id ? fromDevice : fromKey;
  assert.equal(scenario.evidenceFor(other), reasons.superseded);
  assert.equal(scenario.proposal(proposal).votes.length, 1);
});

test('a vote by someone who is not a member is ignored (members admitted later: membership.test.ts)', () => {
  const { scenario, signal } = dao(simpleMajority(3));
  const proposal = signal();
  const stranger = scenario.vote(actor('mallory'), proposal, 'yes');
  assert.equal(scenario.evidenceFor(stranger), reasons.notMember);
  assert.equal(scenario.proposal(proposal).tally.voters, 0);
});

test('votes after the voting period, and after the tally was final, are ignored with their reasons', () => {
  const { scenario, signal } = dao(simpleMajority(3));
  const proposal = signal();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(day);
  // At the deadline exactly, still in time; one millisecond later, not.
  const atDeadline = scenario.vote(carol, proposal, 'abstain');
  scenario.advance(1);
  const late = scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(late), reasons.voteAfterPeriod);
  assert.equal(scenario.evidenceFor(atDeadline), undefined);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  // A vote that saw the certificate but claims a time in the period: its time is raised to the certificate's.
  const afterFinal = scenario.vote(carol, proposal, 'no', { time: scenario.now - day });
  assert.equal(scenario.evidenceFor(afterFinal), reasons.voteAfterPeriod);
  assert.deepEqual(scenario.proposal(proposal).certificate?.votes.length, 3);
});

test('quadratic: n votes cost n² credits per epoch; an overspending ballot is ignored, a changed ballot refunds', () => {
  const rules = quadratic(3);
  const { scenario, signal } = dao({ ...rules, voting: { ...rules.voting, creditsPerEpoch: 10 } as Rules['voting'] });
  const first = signal('First');
  const second = signal('Second');
  scenario.vote(bob, first, 'yes', { votes: 3 });
  const overspent = scenario.vote(bob, second, 'no', { votes: 2 });
  assert.equal(scenario.evidenceFor(overspent), reasons.overspent, '9 + 4 > 10');
  scenario.vote(bob, first, 'yes', { votes: 1 });
  const fits = scenario.vote(bob, second, 'no', { votes: 3 });
  assert.equal(scenario.evidenceFor(fits), undefined, '1 + 9 <= 10');
  const noCount = scenario.vote(carol, first, 'yes');
  assert.equal(scenario.evidenceFor(noCount), reasons.quadraticNeedsVotes);
  scenario.vote(alice, first, 'yes', { votes: 2 });
  scenario.vote(carol, first, 'no', { votes: 2 });
  // 1 + 2 yes against 2 no, quorum met by three of three.
  assert.deepEqual([scenario.proposal(first).tally.yes, scenario.proposal(first).tally.no, scenario.proposal(first).tally.outcome], [3n, 2n, 'passed']);
  close(scenario, first);
  assert.equal(scenario.proposal(first).status, 'passed');
});

test('quadratic: modes of different epoch lengths keep separate credits, even when their epoch numbers meet', () => {
  const rules = quadratic(3);
  const mode = { ...rules.voting, creditsPerEpoch: 10 } as Extract<Rules['voting'], { type: 'quadratic' }>;
  const signals = { ...mode, epochMs: mode.epochMs + 1 };
  const { scenario, signal } = dao({ ...rules, voting: mode, votingByKind: { signal: signals } });
  const number = (epochMs: number) => Math.floor(scenario.now / epochMs);
  assert.equal(number(mode.epochMs), number(signals.epochMs), 'the two epochs have one number: the case at stake');
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 5n }, title: 'Grant' });
  const first = signal('First');
  scenario.vote(bob, grant, 'yes', { votes: 3 });
  const other = scenario.vote(bob, first, 'yes', { votes: 3 });
  assert.equal(scenario.evidenceFor(other), undefined, '9 in each budget of 10');
  // One length, one budget: a second signal shares the signals' epoch.
  const second = signal('Second');
  assert.equal(scenario.evidenceFor(scenario.vote(bob, second, 'yes', { votes: 1 })), undefined, '9 + 1 <= 10');
  assert.equal(scenario.evidenceFor(scenario.vote(bob, second, 'yes', { votes: 2 })), reasons.overspent, '9 + 4 > 10');
  assert.deepEqual([scenario.proposal(grant).tally.yes, scenario.proposal(first).tally.yes], [3n, 3n]);
});

test('quadratic: two concurrent ballots that together overspend cannot both be certified', () => {
  const rules = quadratic(3);
  const { scenario, signal } = dao({ ...rules, voting: { ...rules.voting, creditsPerEpoch: 10 } as Rules['voting'] });
  const first = signal('First');
  const second = signal('Second');
  const bobTwin = { ...bob };
  scenario.delegateDevice(bobTwin);
  const heads = scenario.ledger.heads();
  const one = scenario.vote(bob, first, 'yes', { votes: 3, deps: heads });
  const two = scenario.vote(bobTwin, second, 'yes', { votes: 3, deps: heads, asDevice: true });
  scenario.advance(day + 1);
  const proposals = [first, second].map((proposal) => scenario.ledger.proposeCertificate(proposal, scenario.now));
  const listed = proposals.flatMap((proposed) => (proposed.ok ? proposed.certificate.votes : []));
  assert.equal(listed.filter((vote) => vote === one.id || vote === two.id).length, 1, 'only the first in canonical order fits');
  const dropped = listed.includes(one.id) ? two : one;
  const droppedProposal = dropped === one ? first : second;
  const greedy = scenario.signCertificate(alice, { proposal: droppedProposal, votes: [dropped.id], outcome: 'rejected' });
  assert.equal(scenario.evidenceFor(greedy), reasons.certificateOverspends);
});

test('lazy consensus: silence passes, objections from half the members reject', () => {
  const { scenario, signal } = dao({ ...lazyConsensus(3), voting: { type: 'lazy-consensus', objectionBps: 5000 } });
  const quiet = signal('Quiet');
  const contested = signal('Contested');
  scenario.vote(carol, quiet, 'no');
  scenario.vote(bob, contested, 'no');
  scenario.vote(carol, contested, 'no');
  scenario.advance(day + 1);
  for (const signer of [alice, bob]) scenario.sign(signer, quiet);
  for (const signer of [bob, carol]) scenario.sign(signer, contested);
  assert.equal(scenario.proposal(quiet).status, 'passed', 'one objection of three is below half');
  assert.equal(scenario.proposal(contested).status, 'rejected');
  assert.equal(scenario.proposal(contested).tally.reason, 'objections reached');
});

test('reputation-weighted: weights are the reputation members had when the proposal was made', () => {
  const { scenario, signal } = dao(reputationWeighted(3));
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: alice.key.address, points: 100n }, title: 'Thanks Alice' });
  // Nobody has reputation yet: one member one vote decides the grant.
  scenario.vote(alice, grant, 'yes');
  scenario.vote(bob, grant, 'yes');
  close(scenario, grant);
  scenario.advance(hour);
  const weighted = signal('Weighted');
  assert.equal(scenario.proposal(grant).status, 'executed');
  scenario.vote(alice, weighted, 'yes');
  scenario.vote(bob, weighted, 'no');
  scenario.vote(carol, weighted, 'no');
  const result = scenario.proposal(weighted).tally;
  assert.deepEqual([result.yes, result.no, result.outcome], [100n, 0n, 'passed']);
  const alicesReputation = scenario.state().members.find((member) => member.address === alice.key.address)!.reputation;
  assert.ok(alicesReputation > 99n && alicesReputation <= 100n, 'decays slowly with a 90-day half-life');
});
