import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitMember, genesisState } from './governance-state.ts';
import { decayedPoints, grantReputation, maxReputationTotal, memberReputation, reputationAt } from './reputation.ts';
import { simpleMajority } from './rules.ts';

const day = 24 * 3600 * 1000;
const halfLife = 30 * day;

test('decay halves per whole half-life and is linear inside one: 1000 → 750, 500, 375, 250, 125', () => {
  const at = (days: number) => decayedPoints(1000n, 0, days * day, halfLife);
  assert.deepEqual([0, 15, 30, 45, 60, 90].map(at), [1000n, 750n, 500n, 375n, 250n, 125n]);
  // Rounds down, exactly, with no floating point: 1000 · (60 − 1)/(60 · 1) at one day.
  assert.equal(at(1), 983n);
  // Far past any half-life it is gone; before the grant, or with no half-life, nothing decays.
  assert.equal(decayedPoints(1000n, 0, 400 * 30 * day, halfLife), 0n);
  assert.equal(decayedPoints(1000n, 10 * day, 0, halfLife), 1000n);
  assert.equal(decayedPoints(1000n, 0, 1000 * day, null), 1000n);
});

test('a member\'s reputation is the sum of their decayed grants at a given time', () => {
  const grants = [
    { points: 1000n, at: 0, source: 'p1' },
    { points: 200n, at: 30 * day, source: 'p2' },
  ];
  assert.equal(reputationAt(grants, 60 * day, halfLife), 250n + 100n);
});

test('grantReputation is a pure transition for members only, with positive points', () => {
  const state = genesisState(['0xA'], simpleMajority(1), 0);
  const granted = grantReputation(state, '0xA', 40n, 5, 'proposal');
  assert.ok('state' in granted);
  assert.equal(memberReputation(granted.state, '0xA', 5), 40n);
  assert.equal(state.reputation.size, 0, 'the original state is untouched');
  assert.deepEqual(grantReputation(state, '0xB', 1n, 0, 'x'), { failed: 'not a member' });
  assert.deepEqual(grantReputation(state, '0xA', 0n, 0, 'x'), { failed: 'reputation grants are positive' });
});

test('the members hold at most 10^15 points together, as granted: past that a grant fails, so views keep exact numbers', () => {
  let state = genesisState(['0xA', '0xB'], { ...simpleMajority(2), reputationHalfLifeMs: halfLife }, 0);
  const grant = (member: string, points: bigint, at: number) => {
    const result = grantReputation(state, member, points, at, 'p');
    if ('state' in result) state = result.state;
    return result;
  };
  assert.ok('state' in grant('0xA', maxReputationTotal - 10n, 0));
  assert.ok('state' in grant('0xB', 10n, 0), 'up to the bound exactly');
  // Decayed to nothing a year on, but counted as granted: the bound holds at any time a view may look.
  assert.deepEqual(grant('0xB', 1n, 400 * day), { failed: `the members would hold more than ${maxReputationTotal} reputation points` });
  assert.ok(maxReputationTotal < BigInt(Number.MAX_SAFE_INTEGER));
  // A member's exit takes their points out of the count.
  const left = exitMember(state, '0xA', 'ragequit', 'q', 400 * day);
  assert.ok('state' in left);
  state = left.state;
  assert.equal(state.reputation.has('0xA'), false);
  assert.ok('state' in grant('0xB', 10n ** 12n, 400 * day));
});
