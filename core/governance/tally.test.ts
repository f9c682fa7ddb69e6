import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VotingMode } from './rules.ts';
import { objectionsToReject, tally, type Ballot, type Choice, type Electorate } from './tally.ts';

const members = ['a', 'b', 'c', 'd', 'e'];
const everyone: Electorate = { members, weights: new Map() };
const majority: VotingMode = { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 5000 };
const twoThirds: VotingMode = { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 6666 };

function ballots(...choices: Array<[string, Choice, number?]>): Ballot[] {
  return choices.map(([voter, choice, votes]) => ({ voter, choice, votes: votes ?? 1 }));
}

test('one member one vote: a majority of yes among yes and no passes', () => {
  const result = tally(majority, everyone, ballots(['a', 'yes'], ['b', 'yes'], ['c', 'yes'], ['d', 'no'], ['e', 'no']));
  assert.deepEqual(result, { yes: 3n, no: 2n, abstain: 0n, voters: 5, eligible: 5, outcome: 'passed', reason: 'passed' });
});

test('a tie is rejected, also when nobody voted yes or no', () => {
  assert.equal(tally(majority, everyone, ballots(['a', 'yes'], ['b', 'yes'], ['c', 'no'], ['d', 'no'])).reason, 'tie');
  const abstainers = tally(majority, everyone, ballots(['a', 'abstain'], ['b', 'abstain'], ['c', 'abstain']));
  assert.equal(abstainers.outcome, 'rejected');
  assert.equal(abstainers.reason, 'tie');
  // Even with a threshold below half, a tie does not pass.
  assert.equal(tally({ type: 'one-member-one-vote', quorumBps: 0, thresholdBps: 1000 }, everyone, ballots(['a', 'yes'], ['b', 'no'])).reason, 'tie');
});

test('an unmet quorum is rejected whatever the votes say', () => {
  const result = tally(majority, everyone, ballots(['a', 'yes'], ['b', 'yes']));
  assert.equal(result.outcome, 'rejected');
  assert.equal(result.reason, 'quorum not met');
  // Abstentions count towards the quorum, not towards the threshold: 3 of 5 voted, 1 yes 0 no.
  assert.equal(tally(majority, everyone, ballots(['a', 'yes'], ['b', 'abstain'], ['c', 'abstain'])).outcome, 'passed');
});

test('supermajority: exactly two thirds passes, three fifths does not', () => {
  assert.equal(tally(twoThirds, everyone, ballots(['a', 'yes'], ['b', 'yes'], ['c', 'no'])).outcome, 'passed');
  const short = tally(twoThirds, everyone, ballots(['a', 'yes'], ['b', 'yes'], ['c', 'yes'], ['d', 'no'], ['e', 'no']));
  assert.equal(short.outcome, 'rejected');
  assert.equal(short.reason, 'threshold not met');
});

test('thresholdBps 10000 asks for unanimity: yes with no "no" passes in every mode that has a threshold, one "no" rejects', () => {
  const weights = new Map(members.map((member) => [member, 10n ** 30n]));
  const modes: VotingMode[] = [
    { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 10_000 },
    { type: 'reputation-weighted', quorumBps: 5000, thresholdBps: 10_000 },
    { type: 'quadratic', creditsPerEpoch: 100, epochMs: 1, quorumBps: 5000, thresholdBps: 10_000 },
  ];
  for (const mode of modes) {
    const electorate = { members, weights };
    assert.equal(tally(mode, electorate, ballots(['a', 'yes', 3], ['b', 'yes', 2], ['c', 'abstain'])).outcome, 'passed', mode.type);
    const objected = tally(mode, electorate, ballots(['a', 'yes', 3], ['b', 'yes', 2], ['c', 'no'], ['d', 'yes']));
    assert.deepEqual([objected.outcome, objected.reason], ['rejected', 'threshold not met'], mode.type);
    // Nobody for or against is still a tie, not a unanimous yes.
    assert.equal(tally(mode, electorate, ballots(['a', 'abstain'], ['b', 'abstain'], ['c', 'abstain'])).reason, 'tie', mode.type);
  }
});

test('ballots by voters outside the electorate are not counted', () => {
  const result = tally(majority, { members: ['a', 'b', 'c'], weights: new Map() }, ballots(['a', 'yes'], ['b', 'no'], ['x', 'no'], ['y', 'no']));
  assert.equal(result.voters, 2);
  assert.equal(result.reason, 'tie');
});

test('reputation-weighted: weights are reputation at creation; quorum is a share of all weight', () => {
  const mode: VotingMode = { type: 'reputation-weighted', quorumBps: 5000, thresholdBps: 5000 };
  const electorate: Electorate = { members: ['a', 'b', 'c'], weights: new Map([['a', 100n], ['b', 30n], ['c', 30n]]) };
  const result = tally(mode, electorate, ballots(['a', 'yes'], ['b', 'no'], ['c', 'no']));
  assert.deepEqual([result.yes, result.no, result.outcome], [100n, 60n, 'passed']);
  // Two of three members, but only 60 of 160 weight: no quorum.
  assert.equal(tally(mode, electorate, ballots(['b', 'no'], ['c', 'yes'])).reason, 'quorum not met');
  // Nobody has reputation yet: every member weighs 1, so a new DAO can still decide.
  const fresh = tally(mode, { members: ['a', 'b', 'c'], weights: new Map() }, ballots(['a', 'yes'], ['b', 'yes'], ['c', 'no']));
  assert.deepEqual([fresh.yes, fresh.no, fresh.outcome], [2n, 1n, 'passed']);
});

test('quadratic: n votes count n, so three members spending 4 credits each outvote one spending 9', () => {
  const mode: VotingMode = { type: 'quadratic', creditsPerEpoch: 100, epochMs: 1000, quorumBps: 5000, thresholdBps: 5000 };
  const result = tally(mode, everyone, ballots(['a', 'yes', 3], ['b', 'no', 2], ['c', 'no', 2], ['d', 'no', 2]));
  assert.deepEqual([result.yes, result.no, result.outcome, result.reason], [3n, 6n, 'rejected', 'threshold not met']);
});

test('lazy consensus: passes unless objections reach the share of members, silence passes', () => {
  const mode: VotingMode = { type: 'lazy-consensus', objectionBps: 2500 };
  assert.equal(tally(mode, everyone, []).outcome, 'passed');
  // One objection of five members is 20% < 25%.
  assert.equal(tally(mode, everyone, ballots(['a', 'no'], ['b', 'yes'])).outcome, 'passed');
  const blocked = tally(mode, everyone, ballots(['a', 'no'], ['b', 'no']));
  assert.equal(blocked.outcome, 'rejected');
  assert.equal(blocked.reason, 'objections reached');
});

test('lazy consensus: objectionsToReject is the fewest objections the tally rejects with, for any share and electorate', () => {
  for (let size = 0; size <= 40; size++) {
    const electorate: Electorate = { members: Array.from({ length: size }, (_, index) => `m${index}`), weights: new Map() };
    for (const objectionBps of [0, 1, 999, 1000, 2500, 3333, 5000, 6667, 9999, 10_000]) {
      const mode: VotingMode = { type: 'lazy-consensus', objectionBps };
      const needed = objectionsToReject(objectionBps, size);
      const objecting = (count: number) => tally(mode, electorate, electorate.members.slice(0, count).map((voter) => ({ voter, choice: 'no' as const, votes: 1 })));
      const what = `${objectionBps} bps of ${size}`;
      assert.ok(needed >= 1, what);
      assert.equal(objecting(needed - 1).outcome, 'passed', what);
      if (needed <= size) assert.equal(objecting(needed).outcome, 'rejected', what);
    }
  }
  assert.deepEqual([objectionsToReject(2500, 5), objectionsToReject(2500, 4), objectionsToReject(0, 5), objectionsToReject(10_000, 3)], [2, 1, 1, 3]);
});
