// The extension point: later issues add proposal kinds without touching the fold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { DaoLedger } from './dao-ledger.ts';
import { defineProposalKind, proposalKinds, signal } from './proposal-kinds.ts';
import { reasons } from './reasons.ts';
import { grantReputation } from './reputation.ts';
import { simpleMajority, supermajority } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

/** A stand-in for a later issue's kind: an accepted bounty that grants its hunter reputation. */
const bountyAccept = defineProposalKind<{ hunter: string; points: bigint }>({
  kind: 'bounty.accept',
  params: z.strictObject({ hunter: z.string(), points: z.int().min(1).transform((points) => BigInt(points)) }),
  encode: (params) => ({ hunter: params.hunter, points: Number(params.points) }),
  check: (params, state) => (state.members.has(params.hunter) ? null : 'the hunter is not a member'),
  execute: (state, params, context) => grantReputation(state, params.hunter, params.points, context.at, context.proposal),
});

function passAndExecute(scenario: Scenario, proposal: string): void {
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(day + 1);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  scenario.advance(hour);
  scenario.propose(carol, { kind: 'signal', params: { text: '' }, title: 'Later' });
}

test('a kind defined outside the fold is checked, voted, certified and executed like the built-ins', () => {
  const scenario = new Scenario([alice, bob, carol], rules, undefined, proposalKinds([bountyAccept]));
  const refused = scenario.propose(alice, { kind: 'bounty.accept', params: { hunter: 'someone', points: 5n }, title: 'No' });
  assert.equal(scenario.evidenceFor(refused), 'the hunter is not a member');
  const accepted = scenario.propose(alice, { kind: 'bounty.accept', params: { hunter: bob.key.address, points: 50n }, title: 'Bob delivered' });
  passAndExecute(scenario, accepted);
  assert.equal(scenario.proposal(accepted).status, 'executed');
  assert.equal(scenario.state().members.find((member) => member.address === bob.key.address)?.reputation, 50n);
  // A peer without the kind keeps the proposal as evidence: kinds are part of the protocol.
  const older = new DaoLedger(scenario.daoId);
  older.add(scenario.records);
  assert.equal(older.state(scenario.now).evidence.find((entry) => entry.record === accepted)?.reason, `${reasons.unknownProposalKind}: bounty.accept`);
});

test('a kind cannot be defined twice', () => {
  assert.throws(() => proposalKinds([signal]), /defined twice/);
});

test('rules.change applies after its grace period; proposals already made keep the rules they were made under', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const stricter = { ...supermajority(3), votingPeriodMs: 2 * day, gracePeriodMs: hour };
  const change = scenario.propose(alice, { kind: 'rules.change', params: { rules: stricter }, title: 'Two thirds' });
  const before = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Made under the old rules' });
  passAndExecute(scenario, change);
  assert.equal(scenario.proposal(change).status, 'executed');
  assert.deepEqual(scenario.state().rules, stricter);
  const after = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Made under the new rules' });
  assert.equal(scenario.proposal(before).votingMode.type, 'one-member-one-vote');
  assert.equal((scenario.proposal(before).votingMode as { thresholdBps: number }).thresholdBps, 5000);
  assert.equal((scenario.proposal(after).votingMode as { thresholdBps: number }).thresholdBps, 6666);
  assert.equal(scenario.proposal(after).votingEndsAt - scenario.proposal(after).createdAt, 2 * day);
  const invalid = scenario.propose(alice, { kind: 'rules.change', params: { rules: { ...stricter, signatureThreshold: 1 } }, title: 'Too low' });
  assert.match(scenario.evidenceFor(invalid)!, /not more than half of 3 members/);
});
