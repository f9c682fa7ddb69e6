import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NotMemberRefusals } from './not-member-refusals.ts';

function clocked(firstMs: number, maxMs: number) {
  const clock = { ms: 1_000 };
  return { clock, refusals: new NotMemberRefusals({ firstMs, maxMs }, () => clock.ms) };
}

test('a peer that keeps refusing is left alone twice as long after each refusal, up to the maximum', () => {
  const { clock, refusals } = clocked(100, 1_000);
  assert.equal(refusals.pausedFor('b'), 0, 'a peer that never refused may be asked');
  const pauses: number[] = [];
  for (let i = 0; i < 6; i++) {
    pauses.push(refusals.refused('b'));
    assert.equal(refusals.pausedFor('b'), pauses[i]);
    clock.ms += pauses[i]! - 1;
    assert.equal(refusals.pausedFor('b'), 1, 'still left alone a moment before the pause ends');
    clock.ms += 1;
    assert.equal(refusals.pausedFor('b'), 0);
  }
  assert.deepEqual(pauses, [100, 200, 400, 800, 1_000, 1_000]);
  assert.deepEqual(refusals.peers, ['b']);
});

test('each peer has its own pause; a session that goes through forgets the refusals', () => {
  const { refusals } = clocked(100, 1_000);
  refusals.refused('b');
  refusals.refused('b');
  assert.equal(refusals.refused('c'), 100, "another peer's refusals do not lengthen this one's pause");
  assert.deepEqual(refusals.peers.sort(), ['b', 'c']);
  refusals.accepted('b');
  assert.equal(refusals.pausedFor('b'), 0);
  assert.deepEqual(refusals.peers, ['c']);
  assert.equal(refusals.refused('b'), 100, 'refused again after a session: the first pause');
});

test('a change (a new record) lets every peer be asked at once, and a peer that still refuses waits longer', () => {
  const { refusals } = clocked(100, 1_000);
  refusals.refused('b');
  refusals.refused('b');
  refusals.refused('c');
  refusals.changed();
  assert.equal(refusals.pausedFor('b'), 0);
  assert.equal(refusals.pausedFor('c'), 0);
  assert.deepEqual(refusals.peers.sort(), ['b', 'c'], 'still shown as refusing until one answers otherwise');
  assert.equal(refusals.refused('b'), 400);
});
