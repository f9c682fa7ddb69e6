import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentByBytes } from './recent-by-bytes.ts';

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
