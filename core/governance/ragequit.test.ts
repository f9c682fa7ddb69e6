// Rage quit: at any time, also during the grace period of a proposal the member voted against; their shares
// burn, their pro-rata claim is recorded, and the shares table updates for everyone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasons } from './reasons.ts';
import { simpleMajority } from './rules.ts';
import { actor, day, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(actor) as [Actor, Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: day, initialShares: 100 };

test('a dissenter rage quits in the grace period, before the proposal they voted against executes', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const dilute = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 300n }, title: 'Dave gets 300 shares' });
  scenario.vote(alice, dilute, 'yes');
  scenario.vote(bob, dilute, 'yes');
  scenario.vote(carol, dilute, 'no');
  scenario.advance(day + 1);
  scenario.sign(alice, dilute);
  scenario.sign(bob, dilute);
  assert.equal(scenario.proposal(dilute).status, 'passed');
  scenario.advance(day / 2);
  scenario.ragequit(carol);
  const exit = scenario.state().exits[0]!;
  assert.deepEqual(
    [exit.member, exit.reason, exit.shares, exit.totalShares, exit.claimBps, exit.duringGraceOf],
    [carol.key.address, 'ragequit', 100n, 300n, 3333, [dilute]],
  );
  assert.equal(scenario.state().totalShares, 200n);
  scenario.advance(day);
  scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'After' });
  assert.equal(scenario.proposal(dilute).status, 'executed');
  const state = scenario.state();
  assert.deepEqual(
    state.members.map((member) => [member.address, member.shares]),
    [[alice.key.address, 100n], [bob.key.address, 100n], [dave.key.address, 300n]].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
  );
  assert.equal(state.totalShares, 500n);
  assert.equal(state.signatureThreshold, 2);
});

test('after a rage quit the member\'s records do not count, nor do those made concurrently with it', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Signal' });
  const before = scenario.ledger.heads();
  const quit = scenario.ragequit(carol);
  const concurrent = scenario.vote(carol, proposal, 'no', { deps: before });
  const after = scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(quit), undefined);
  assert.equal(scenario.evidenceFor(after), reasons.notMember);
  assert.equal(scenario.evidenceFor(concurrent), reasons.concurrentWithRagequit);
  assert.equal(scenario.state().exits.length, 1);
  assert.equal(scenario.state().members.length, 2);
  // Two members left: a certificate needs both.
  assert.equal(scenario.state().signatureThreshold, 2);
  const again = scenario.ragequit(carol);
  assert.equal(scenario.evidenceFor(again), reasons.notMember);
});

test('the last member may leave too, with the whole claim', () => {
  const scenario = new Scenario([alice], { ...rules, signatureThreshold: 1 });
  scenario.ragequit(alice);
  const state = scenario.state();
  assert.equal(state.members.length, 0);
  assert.equal(state.exits[0]!.claimBps, 10_000);
});
