import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { IdSet } from './id-set.ts';
import { RangeReconciler, ReconcileError, type ReconcileMessage } from './range-reconcile.ts';

const id = (n: number): Uint8Array => sha256(new Uint8Array(new Uint32Array([n]).buffer));
const none = new Uint8Array(0);
const hexes = (ids: Iterable<Uint8Array>): string[] => [...ids].map(bytesToHex).sort();

/** Runs the exchange to the end; returns what each side must send and how many messages it took. */
function reconcile(mine: Uint8Array[], theirs: Uint8Array[], options = {}) {
  const initiator = new RangeReconciler(new IdSet(mine), options);
  const responder = new RangeReconciler(new IdSet(theirs), options);
  let message: ReconcileMessage | null = initiator.start();
  let rounds = 0;
  let speaker = responder;
  while (message !== null) {
    rounds++;
    message = speaker.receive(message);
    speaker = speaker === responder ? initiator : responder;
  }
  return { initiatorSends: initiator.toSend(), responderSends: responder.toSend(), rounds, done: initiator.done && responder.done };
}

test('two random sets learn exactly what each lacks, whatever the overlap', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.nat(5000), { maxLength: 600 }),
      fc.uniqueArray(fc.nat(5000), { maxLength: 600 }),
      fc.integer({ min: 2, max: 16 }),
      fc.integer({ min: 1, max: 40 }),
      (a, b, branching, idListThreshold) => {
        const result = reconcile(a.map(id), b.map(id), { branching, idListThreshold });
        const setA = new Set(a);
        const setB = new Set(b);
        assert.deepEqual(hexes(result.initiatorSends), hexes(a.filter((n) => !setB.has(n)).map(id)));
        assert.deepEqual(hexes(result.responderSends), hexes(b.filter((n) => !setA.has(n)).map(id)));
        assert.ok(result.done);
      },
    ),
    { numRuns: 200 },
  );
});

test('equal sets settle in one round trip, and a handful of differences among 100k ids in a few', () => {
  const shared = Array.from({ length: 100_000 }, (_, n) => id(n));
  assert.equal(reconcile(shared, shared).rounds, 2); // start, then "done": one round trip
  const result = reconcile([...shared, id(200_001)], [...shared.slice(1), id(200_002)]);
  assert.deepEqual(hexes(result.initiatorSends), hexes([shared[0]!, id(200_001)]));
  assert.deepEqual(hexes(result.responderSends), hexes([id(200_002)]));
  assert.ok(result.rounds <= 10, `${result.rounds} messages`);
});

test('an empty side receives everything without either side listing its ids', () => {
  const all = Array.from({ length: 5000 }, (_, n) => id(n));
  const result = reconcile([], all);
  assert.equal(result.responderSends.length, 5000);
  assert.equal(result.initiatorSends.length, 0);
  assert.equal(result.rounds, 2);
});

test('a peer that breaks the protocol gets a ReconcileError, not a crash', () => {
  const fresh = () => new RangeReconciler(new IdSet([id(1), id(2)]));
  const bad: ReconcileMessage[] = [
    { ranges: [{ upper: new Uint8Array([5]), mode: 'skip' }], want: none }, // does not reach the top
    { ranges: [{ upper: null, mode: 'skip' }, { upper: null, mode: 'skip' }], want: none }, // null before the end
    { ranges: [{ upper: new Uint8Array([9]), mode: 'skip' }, { upper: new Uint8Array([3]), mode: 'skip' }, { upper: null, mode: 'skip' }], want: none },
    { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(3) }], want: none },
    { ranges: [{ upper: null, mode: 'ids', ids: [id(2), id(1)].sort((x, y) => y[0]! - x[0]!) }], want: none }, // falling
    { ranges: [{ upper: null, mode: 'ids', ids: [new Uint8Array(31)] }], want: none },
    { ranges: [{ upper: new Uint8Array(33).fill(255), mode: 'skip' }, { upper: null, mode: 'skip' }], want: none },
    { ranges: [], want: new Uint8Array([1]) }, // wants an id when nothing was listed
  ];
  for (const message of bad) assert.throws(() => fresh().receive(message), ReconcileError);
  const chatty = fresh();
  chatty.receive({ ranges: [], want: none });
  assert.throws(() => chatty.receive({ ranges: [], want: none }), ReconcileError);
  const endless = new RangeReconciler(new IdSet([id(1)]), { maxRounds: 2 });
  const keepAsking: ReconcileMessage = { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16) }], want: none };
  endless.receive(keepAsking);
  endless.receive(keepAsking);
  assert.throws(() => endless.receive(keepAsking), /more than 2 rounds/);
});

test('wants point at the ids the last message listed: a wrong-sized bitmap or a bit past the list is refused', () => {
  const ours = [id(1), id(2), id(3)];
  const listing = () => {
    const reconciler = new RangeReconciler(new IdSet(ours));
    reconciler.start(); // three ids: at most the threshold, so listed
    return reconciler;
  };
  const wantsFirstAndLast = listing();
  wantsFirstAndLast.receive({ ranges: [], want: new Uint8Array([0b101]) });
  const sorted = [...ours].sort((a, b) => hexes([a])[0]!.localeCompare(hexes([b])[0]!));
  assert.deepEqual(hexes(wantsFirstAndLast.toSend()), hexes([sorted[0]!, sorted[2]!]));
  assert.throws(() => listing().receive({ ranges: [], want: new Uint8Array([0b1000]) }), /past the list/);
  assert.throws(() => listing().receive({ ranges: [], want: new Uint8Array([1, 0]) }), /listed 3/);
});

test('a node far behind asks for thousands of ids with one bit each', () => {
  const all = Array.from({ length: 4000 }, (_, n) => id(n));
  const initiator = new RangeReconciler(new IdSet(all.slice(0, 100)));
  const responder = new RangeReconciler(new IdSet(all));
  let message: ReconcileMessage | null = initiator.start();
  let speaker = responder;
  let wantBytes = 0;
  while (message !== null) {
    message = speaker.receive(message);
    if (message !== null) wantBytes += message.want.length;
    speaker = speaker === responder ? initiator : responder;
  }
  assert.equal(responder.toSend().length, 3900);
  assert.ok(wantBytes < 1000, `${wantBytes} bytes of wants`);
});
