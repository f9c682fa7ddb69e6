import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveThreshold, rulePresets, rulesProblem, rulesSchema, simpleMajority, votingModeFor, type VotingMode } from './rules.ts';

test('every preset gives rules the schema accepts, for a DAO of its founders', () => {
  for (const [name, preset] of Object.entries(rulePresets)) {
    for (const founders of [1, 3, 7, 15]) {
      const rules = preset(founders);
      assert.ok(rulesSchema.safeParse(rules).success, name);
      assert.equal(rulesProblem(rules, founders), null, `${name} with ${founders}`);
      assert.equal(rules.memberCap, 15);
    }
  }
});

test('the signature threshold must be more than half of the members and at most all of them', () => {
  const rules = simpleMajority(4);
  assert.equal(rules.signatureThreshold, 3);
  assert.match(rulesProblem({ ...rules, signatureThreshold: 2 }, 4)!, /not more than half of 4 members/);
  assert.match(rulesProblem({ ...rules, signatureThreshold: 5 }, 4)!, /more than the 4 members/);
  assert.match(rulesProblem({ ...rules, memberCap: 3 }, 4)!, /member cap \(3\) is below the 4 members/);
});

test('the threshold in force is clamped as membership changes: above half, at most everyone', () => {
  const rules = { ...simpleMajority(3), signatureThreshold: 2 };
  assert.equal(effectiveThreshold(rules, 3), 2);
  assert.equal(effectiveThreshold(rules, 6), 4, 'grew: still more than half');
  assert.equal(effectiveThreshold({ ...rules, signatureThreshold: 5 }, 2), 2, 'shrank: the two left can decide');
  assert.equal(effectiveThreshold(rules, 1), 1);
});

test('voting mode: per-kind override, and a proposal\'s own only where the rules allow it', () => {
  const strict: VotingMode = { type: 'one-member-one-vote', quorumBps: 6000, thresholdBps: 6666 };
  const lazy: VotingMode = { type: 'lazy-consensus', objectionBps: 1000 };
  const rules = { ...simpleMajority(3), votingByKind: { 'member.remove': strict } };
  assert.deepEqual(votingModeFor(rules, 'member.remove', null), strict);
  assert.deepEqual(votingModeFor(rules, 'signal', null), rules.voting);
  assert.deepEqual(votingModeFor(rules, 'signal', lazy), rules.voting);
  assert.deepEqual(votingModeFor({ ...rules, proposerMayChooseMode: true }, 'signal', lazy), lazy);
});

test('rules keep floats, unknown fields and odd kind names out', () => {
  const rules = simpleMajority(3);
  assert.equal(rulesSchema.safeParse({ ...rules, votingPeriodMs: 1.5 }).success, false);
  assert.equal(rulesSchema.safeParse({ ...rules, extra: 1 }).success, false);
  assert.equal(rulesSchema.safeParse({ ...rules, votingByKind: { __proto__x: rules.voting } }).success, false);
  assert.equal(rulesSchema.safeParse({ ...rules, income: { treasuryBps: 10001, split: 'equal' } }).success, false);
});
