import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentByBytes, recentKeys } from './recent-by-bytes.ts';

test('finds values by the bytes of their keys, keeps the newest few, and copies keys', () => {
  const recent = new RecentByBytes<string>(2);
  const a = Uint8Array.of(1, 2, 3);
  recent.set(a, 'a');
  a[0] = 9; // the caller's bytes change: the entry keeps its own copy
  assert.equal(recent.get(Uint8Array.of(1, 2, 3)), 'a');
  assert.equal(recent.get(a), undefined);
  recent.set(Uint8Array.of(4), 'b');
  assert.equal(recent.get(Uint8Array.of(1, 2, 3)), 'a'); // asked for: a step forward, ahead of b
  recent.set(Uint8Array.of(5), 'c'); // pushes out the oldest, b
  assert.equal(recent.get(Uint8Array.of(4)), undefined);
  assert.equal(recent.get(Uint8Array.of(1, 2, 3)), 'a');
  assert.equal(recent.get(Uint8Array.of(5)), 'c');
  assert.equal(recent.get(Uint8Array.of(1, 2)), undefined, 'a prefix is another key');
});

test('the writers of a DAO at its default cap, two devices each, taking turns, are all found after their first round', () => {
  const recent = new RecentByBytes<number>();
  const writers = Array.from({ length: 30 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7) % 256));
  assert.ok(writers.length <= recentKeys);
  writers.forEach((key, i) => recent.set(key, i));
  for (let round = 0; round < 3; round++) writers.forEach((key, i) => assert.equal(recent.get(key), i));
  // One more writer than it holds, in turn: each is pushed out before its turn comes again.
  const tooMany = new RecentByBytes<number>(29);
  let found = 0;
  for (let round = 0; round < 3; round++) {
    writers.forEach((key, i) => {
      if (tooMany.get(key) === undefined) tooMany.set(key, i);
      else found++;
    });
  }
  assert.equal(found, 0);
});
