// A rules change names only the rules it changes and applies them on top of the rules in force when it
// executes: a second change passed while the first is in its grace period does not revert the first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rulesChangeFromView } from '../bridge/dao-view.ts';
import { applyRulesChange, lazyConsensus, simpleMajority, type Rules } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const rules: Rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: 6 * hour };

/** Alice and Bob vote yes, the vote closes, both sign: the changes have passed and their grace periods start. */
function pass(scenario: Scenario, ...proposals: string[]): void {
  for (const proposal of proposals) {
    scenario.vote(alice, proposal, 'yes');
    scenario.vote(bob, proposal, 'yes');
  }
  scenario.advance(day + 1);
  for (const proposal of proposals) {
    scenario.sign(alice, proposal);
    scenario.sign(bob, proposal);
  }
}

/** A record claiming a later time: executions happen in the first records past a grace period. */
function later(scenario: Scenario, ms: number): void {
  scenario.advance(ms);
  scenario.propose(carol, { kind: 'signal', params: { text: '' }, title: 'Time passes' });
}

test('two rules changes of different rules, the second passed while the first is in its grace period: both take effect', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  // What the host makes of the bridge's edits: the rules in force have votingPeriod 1 day, cap 15.
  const longer = scenario.propose(alice, { kind: 'rules.change', params: { change: rulesChangeFromView(rules, { votingPeriodMs: 2 * day }) }, title: 'Longer votes' });
  pass(scenario, longer);
  assert.equal(scenario.proposal(longer).status, 'passed', 'A has passed and is in its grace period');
  const inForce = scenario.state().rules!;
  assert.equal(inForce.votingPeriodMs, day, 'A has not taken effect yet');
  // B is made from the rules in force, which do not have A's change yet.
  const smaller = scenario.propose(alice, { kind: 'rules.change', params: { change: rulesChangeFromView(inForce, { memberCap: 9 }) }, title: 'Smaller' });
  pass(scenario, smaller);
  later(scenario, day);
  assert.deepEqual([scenario.proposal(longer).status, scenario.proposal(smaller).status], ['executed', 'executed']);
  const after = scenario.state().rules!;
  assert.equal(after.votingPeriodMs, 2 * day, "B did not revert A's voting period");
  assert.equal(after.memberCap, 9);
  assert.deepEqual({ ...after, votingPeriodMs: rules.votingPeriodMs, memberCap: rules.memberCap }, rules, 'nothing else changed');
});

test('changes of the same voting mode numbers, per-kind modes and income fields each keep what the other set', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const supermajorityRemovals = { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 6666 } as const;
  const first = rulesChangeFromView(rules, {
    quorumBps: 6000,
    votingByKind: { 'member.remove': { votingMode: 'majority', quorumBps: 5000, thresholdBps: 6666, objectionBps: 0, creditsPerEpoch: 0, epochMs: 0 } },
    income: { treasuryBps: 1000, split: rules.income.split },
  });
  assert.deepEqual(first, { voting: { quorumBps: 6000 }, votingByKind: { 'member.remove': supermajorityRemovals }, income: { treasuryBps: 1000 } });
  const second = rulesChangeFromView(rules, { thresholdBps: 7000, income: { treasuryBps: rules.income.treasuryBps, split: 'equal' } });
  assert.deepEqual(second, { voting: { thresholdBps: 7000 }, income: { split: 'equal' } });
  const a = scenario.propose(alice, { kind: 'rules.change', params: { change: first }, title: 'A' });
  const b = scenario.propose(alice, { kind: 'rules.change', params: { change: second }, title: 'B' });
  pass(scenario, a, b);
  later(scenario, day);
  const after = scenario.state().rules!;
  assert.deepEqual(after.voting, { type: 'one-member-one-vote', quorumBps: 6000, thresholdBps: 7000 });
  assert.deepEqual(after.votingByKind, { 'member.remove': supermajorityRemovals });
  assert.deepEqual(after.income, { treasuryBps: 1000, split: 'equal' });
});

test('a per-kind override left out of the whole map the bridge sends is removed; one the bridge cannot name is kept', () => {
  const current: Rules = { ...rules, votingByKind: { signal: lazyConsensus(3).voting, 'bounty.accept': lazyConsensus(3).voting } };
  assert.deepEqual(rulesChangeFromView(current, { votingByKind: {} }), { votingByKind: { signal: null } });
  const applied = applyRulesChange(current, { votingByKind: { signal: null } });
  assert.ok(applied.ok);
  assert.deepEqual(applied.rules.votingByKind, { 'bounty.accept': lazyConsensus(3).voting });
});

test('a new voting mode is named whole; a change that changes nothing is refused', () => {
  const change = rulesChangeFromView(rules, { votingMode: 'quadratic', creditsPerEpoch: 49 });
  assert.deepEqual(change, { voting: { type: 'quadratic', creditsPerEpoch: 49, epochMs: 30 * day, quorumBps: 5000, thresholdBps: 5000 } });
  assert.throws(() => rulesChangeFromView(rules, { memberCap: undefined, income: { ...rules.income } }), /already in force/);
});

test('new numbers for a voting mode replaced in the meantime: the change fails when it executes, with the reason', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const lazy = scenario.propose(alice, { kind: 'rules.change', params: { change: { voting: lazyConsensus(3).voting } }, title: 'Lazy' });
  const stricter = scenario.propose(alice, { kind: 'rules.change', params: { change: { voting: { thresholdBps: 7000 } } }, title: 'Stricter' });
  pass(scenario, lazy, stricter);
  later(scenario, day);
  assert.equal(scenario.proposal(lazy).status, 'executed');
  assert.equal(scenario.proposal(stricter).status, 'failed');
  assert.equal(scenario.proposal(stricter).failure, 'thresholdBps does not apply to the voting mode in force (lazy-consensus)');
  assert.deepEqual(scenario.state().rules!.voting, lazyConsensus(3).voting);
});

test('a change checked against the rules in force when it is made: a threshold above the members is evidence', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const tooHigh = scenario.propose(alice, { kind: 'rules.change', params: { change: { signatureThreshold: 4 } }, title: 'Four of three' });
  assert.equal(scenario.evidenceFor(tooHigh), 'a signature threshold of 4 is more than the 3 members');
  assert.throws(() => scenario.propose(alice, { kind: 'rules.change', params: { change: {} }, title: 'Nothing' }), /changes no rule/);
});

test('a DAO that grew past its signature threshold still changes other rules; a change naming a threshold too low is evidence', () => {
  // One founder, threshold 1; two more members admitted: the rule (1) is no longer more than half of 3.
  const scenario = new Scenario([alice], { ...simpleMajority(1), votingPeriodMs: day, gracePeriodMs: hour });
  for (const who of [bob, carol]) {
    const admit = scenario.propose(alice, { kind: 'member.add', params: { member: who.key.address, shares: 10n }, title: 'Admit' });
    const members = scenario.memberAddresses().length;
    for (const voter of [alice, bob, carol].slice(0, members)) scenario.vote(voter, admit, 'yes');
    scenario.advance(day + 1);
    for (const signer of [alice, bob, carol].slice(0, members)) scenario.sign(signer, admit);
    later(scenario, hour);
    assert.equal(scenario.proposal(admit).status, 'executed');
  }
  assert.equal(scenario.state().rules!.signatureThreshold, 1);
  assert.equal(scenario.state().signatureThreshold, 2, 'in force: more than half of 3');
  const cap = scenario.propose(alice, { kind: 'rules.change', params: { change: { memberCap: 9 } }, title: 'Room for nine' });
  assert.equal(scenario.evidenceFor(cap), undefined);
  const low = scenario.propose(alice, { kind: 'rules.change', params: { change: { signatureThreshold: 1 } }, title: 'One signature' });
  assert.equal(scenario.evidenceFor(low), 'a signature threshold of 1 is not more than half of 3 members');
});

test('a first-format change (a whole rule set) is still read, and replaces the rules in force', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const whole: Rules = { ...rules, memberCap: 7, votingByKind: {} };
  const old = scenario.propose(alice, { kind: 'rules.change', params: { rules: whole }, title: 'Old format' });
  pass(scenario, old);
  later(scenario, day);
  assert.equal(scenario.proposal(old).status, 'executed');
  assert.deepEqual(scenario.state().rules, whole);
});
