import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { IdSet } from './id-set.ts';
import { RangeReconciler, ReconcileError, type ReconcileMessage } from './range-reconcile.ts';

const id = (n: number): Uint8Array => sha256(new Uint8Array(new Uint32Array([n]).buffer));
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
    { ranges: [{ upper: new Uint8Array([5]), mode: 'skip' }], want: [] }, // does not reach the top
    { ranges: [{ upper: null, mode: 'skip' }, { upper: null, mode: 'skip' }], want: [] }, // null before the end
    { ranges: [{ upper: new Uint8Array([9]), mode: 'skip' }, { upper: new Uint8Array([3]), mode: 'skip' }, { upper: null, mode: 'skip' }], want: [] },
    { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(3) }], want: [] },
    { ranges: [{ upper: null, mode: 'ids', ids: [id(2), id(1)].sort((x, y) => y[0]! - x[0]!) }], want: [] }, // falling
    { ranges: [{ upper: null, mode: 'ids', ids: [new Uint8Array(31)] }], want: [] },
    { ranges: [{ upper: new Uint8Array(33).fill(255), mode: 'skip' }, { upper: null, mode: 'skip' }], want: [] },
    { ranges: [], want: [new Uint8Array(7)] },
  ];
  for (const message of bad) assert.throws(() => fresh().receive(message), ReconcileError);
  const chatty = fresh();
  chatty.receive({ ranges: [], want: [] });
  assert.throws(() => chatty.receive({ ranges: [], want: [] }), ReconcileError);
  const endless = new RangeReconciler(new IdSet([id(1)]), { maxRounds: 2 });
  const keepAsking: ReconcileMessage = { ranges: [{ upper: null, mode: 'fingerprint', fingerprint: new Uint8Array(16) }], want: [] };
  endless.receive(keepAsking);
  endless.receive(keepAsking);
  assert.throws(() => endless.receive(keepAsking), /more than 2 rounds/);
});

test('wanting an id we do not hold is ignored, not sent', () => {
  const reconciler = new RangeReconciler(new IdSet([id(1)]));
  reconciler.receive({ ranges: [], want: [id(1), id(99)] });
  assert.deepEqual(hexes(reconciler.toSend()), hexes([id(1)]));
});
