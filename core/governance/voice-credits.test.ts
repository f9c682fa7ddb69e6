// The price a ballot form shows and the most votes it offers (dao-view.test.ts checks them against the fold).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ballotCost, mostVotesFor } from './voice-credits.ts';

test('n votes cost n², and the most votes a budget pays for is the largest n whose square fits', () => {
  assert.deepEqual([0, 1, 3, 10, 1000].map(ballotCost), [0, 1, 9, 100, 1_000_000]);
  assert.deepEqual([0, 1, 3, 4, 99, 100, 101, 1_000_000].map(mostVotesFor), [0, 1, 1, 2, 9, 10, 10, 1000]);
  assert.equal(mostVotesFor(-5), 0, 'an overdrawn budget pays for nothing');
  for (let credits = 0; credits <= 20_000; credits++) {
    const most = mostVotesFor(credits);
    assert.ok(ballotCost(most) <= credits && ballotCost(most + 1) > credits, `${credits} credits`);
  }
});
