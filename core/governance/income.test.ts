import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genesisState, type GovernanceState } from './governance-state.ts';
import { splitIncome } from './income.ts';
import { grantReputation } from './reputation.ts';
import { simpleMajority } from './rules.ts';

function dao(shares: Record<string, bigint>): GovernanceState {
  const state = genesisState(Object.keys(shares), simpleMajority(Object.keys(shares).length), 0);
  const members = new Map([...state.members].map(([address, member]) => [address, { ...member, shares: shares[address]! }]));
  return { ...state, members };
}

test('by shares: 20% to the treasury, the rest pro rata, leftovers to the treasury', () => {
  const state = dao({ a: 100n, b: 100n, c: 50n });
  const even = splitIncome(1000n, { treasuryBps: 2000, split: 'shares' }, state, 0);
  assert.equal(even.treasury, 200n);
  assert.deepEqual([...even.perMember], [['a', 320n], ['b', 320n], ['c', 160n]]);
  // 1001: treasury 200 (200.2 rounded down), rest 801 → 320.4, 320.4, 160.2 → 320, 320, 160; 1 left over.
  const odd = splitIncome(1001n, { treasuryBps: 2000, split: 'shares' }, state, 0);
  assert.equal(odd.treasury, 201n);
  assert.deepEqual([...odd.perMember], [['a', 320n], ['b', 320n], ['c', 160n]]);
  assert.equal(odd.treasury + [...odd.perMember.values()].reduce((sum, part) => sum + part, 0n), 1001n);
});

test('equally: 100 among three is 33 each and 1 for the treasury; huge amounts stay exact', () => {
  const state = dao({ a: 1n, b: 5n, c: 9n });
  const split = splitIncome(100n, { treasuryBps: 0, split: 'equal' }, state, 0);
  assert.deepEqual([split.treasury, [...split.perMember.values()]], [1n, [33n, 33n, 33n]]);
  const wei = 10n ** 30n + 7n;
  const big = splitIncome(wei, { treasuryBps: 1, split: 'equal' }, state, 0);
  assert.equal(big.treasury + [...big.perMember.values()].reduce((sum, part) => sum + part, 0n), wei);
});

test('by reputation at now: decayed points weigh; no reputation at all splits equally', () => {
  let state = dao({ a: 1n, b: 1n });
  state = { ...state, rules: { ...state.rules, reputationHalfLifeMs: 1000 } };
  const granted = grantReputation(state, 'a', 300n, 0, 'p');
  assert.ok('state' in granted);
  const withB = grantReputation(granted.state, 'b', 100n, 1000, 'q');
  assert.ok('state' in withB);
  // At t = 1000, a's 300 have halved to 150, b has 100: 60% and 40% of 1000.
  const split = splitIncome(1000n, { treasuryBps: 0, split: 'reputation' }, withB.state, 1000);
  assert.deepEqual([...split.perMember], [['a', 600n], ['b', 400n]]);
  const none = splitIncome(10n, { treasuryBps: 0, split: 'reputation' }, state, 0);
  assert.deepEqual([...none.perMember.values()], [5n, 5n]);
});

test('with no members everything stays in the treasury', () => {
  const state = { ...dao({ a: 1n }), members: new Map() };
  assert.deepEqual(splitIncome(50n, { treasuryBps: 1000, split: 'shares' }, state, 0), { treasury: 50n, perMember: new Map() });
});
