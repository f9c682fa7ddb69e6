import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { compareBytes } from '../ledger/record.ts';
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
      // size 'max': lengths spread over the whole range (fast-check's default keeps arrays to a few elements).
      fc.uniqueArray(fc.nat(5000), { maxLength: 600, size: 'max' }),
      fc.uniqueArray(fc.nat(5000), { maxLength: 600, size: 'max' }),
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

test('a message lists at most `maxListedIds` ids, and the rest is answered in later rounds: the sets still reconcile exactly', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.nat(5000), { minLength: 100, maxLength: 800 }),
      fc.uniqueArray(fc.nat(5000), { minLength: 100, maxLength: 800 }),
      fc.integer({ min: 2, max: 16 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 200 }),
      (a, b, branching, idListThreshold, budget) => {
        const maxListedIds = Math.max(budget, idListThreshold); // a range of `idListThreshold` ids is listed whole
        const initiator = new RangeReconciler(new IdSet(a.map(id)), { branching, idListThreshold, maxListedIds, maxRounds: 400 });
        const responder = new RangeReconciler(new IdSet(b.map(id)), { branching, idListThreshold, maxListedIds, maxRounds: 400 });
        let message: ReconcileMessage | null = initiator.start();
        let speaker = responder;
        for (let first = true; message !== null; first = false) {
          // The initiator's first message lists its whole set when small (start(): one range); every answer keeps to the budget.
          const listed = message.ranges.reduce((sum, range) => sum + (range.mode === 'ids' ? range.ids.length : 0), 0);
          assert.ok(first || listed <= maxListedIds, `${listed} ids listed over a budget of ${maxListedIds}`);
          message = speaker.receive(message);
          speaker = speaker === responder ? initiator : responder;
        }
        const setA = new Set(a);
        const setB = new Set(b);
        assert.deepEqual(hexes(initiator.toSend()), hexes(a.filter((n) => !setB.has(n)).map(id)));
        assert.deepEqual(hexes(responder.toSend()), hexes(b.filter((n) => !setA.has(n)).map(id)));
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
  // Two large sets that differ everywhere take several rounds: past maxRounds the exchange ends.
  const many = (from: number) => Array.from({ length: 5000 }, (_, n) => id(from + n));
  assert.throws(() => reconcile(many(0), many(100_000), { maxRounds: 2 }), /more than 2 rounds/);
});

/** A node holding 4000 ids, asked about those below 0x80: it answers with 16 fingerprints there, the rest skipped. */
function askedBelowHalf() {
  const ours = Array.from({ length: 4000 }, (_, n) => id(n));
  const reconciler = new RangeReconciler(new IdSet(ours));
  const first: ReconcileMessage = { ranges: [{ upper: Uint8Array.of(0x80), mode: 'fingerprint', fingerprint: new Uint8Array(16) }, { upper: null, mode: 'skip' }], want: none };
  const answer = reconciler.receive(first)!;
  const open = answer.ranges.filter((range) => range.mode === 'fingerprint');
  assert.equal(open.length, 16);
  assert.equal(answer.ranges.length, 17, 'sixteen fingerprints below 0x80, then one skip');
  const bounds = open.map((range) => range.upper!);
  /** Our ids below the first open range's upper bound (~125): bounds that split it. */
  const inFirst = new IdSet(ours).ids.filter((x) => compareBytes(x, bounds[0]!) < 0);
  return { reconciler, bounds, inFirst };
}

const fingerprint = (upper: Uint8Array | null) => ({ upper, mode: 'fingerprint' as const, fingerprint: new Uint8Array(16) });
const skip = (upper: Uint8Array | null) => ({ upper, mode: 'skip' as const });

test('a peer may only take apart the ranges this node sent fingerprints for, into at most `branching` each', () => {
  const refused = (ranges: ReconcileMessage['ranges'], pattern: RegExp) => {
    const { reconciler } = askedBelowHalf();
    assert.throws(() => reconciler.receive({ ranges, want: none }), (error: unknown) => error instanceof ReconcileError && pattern.test(error.message));
  };
  const { bounds, inFirst } = askedBelowHalf();
  // Outside every range asked about: above 0x80 (skipped), or across two of them.
  refused([skip(Uint8Array.of(0x80)), fingerprint(null)], /did not ask about/);
  refused([fingerprint(bounds[1]!), skip(null)], /did not ask about/);
  // Seventeen parts of the first: one more than this node would split it into.
  const parts = [...inFirst.slice(1, 17).map(fingerprint), fingerprint(bounds[0]!), skip(null)];
  refused(parts, /more than 16/);
  // More ranges than 16 fingerprints can be answered with (2 × 16 × 16 + 1), refused before any is looked at.
  refused([...Array.from({ length: 513 }, (_, i) => fingerprint(Uint8Array.of(i >> 8, i & 255, 1))), fingerprint(null)], /514 ranges in answer to 16 /);
  // Two skips side by side (an honest peer merges them), and an id list longer than one is ever sent.
  refused([skip(bounds[0]!), skip(bounds[1]!), skip(null)], /Neighbouring skips/);
  refused([{ upper: bounds[0]!, mode: 'ids', ids: inFirst.slice(0, 33) }, skip(null)], /more than 32 ids/);

  // Sixteen parts of the first, and ids for the second, inside what was asked: answered.
  const { reconciler } = askedBelowHalf();
  const answer = reconciler.receive({ ranges: [...inFirst.slice(1, 16).map(fingerprint), fingerprint(bounds[0]!), { upper: bounds[1]!, mode: 'ids', ids: [] }, skip(null)], want: none });
  assert.ok(answer !== null && answer.ranges.length > 0);
});

test('the crafted frame of the review (thousands of ranges with wrong fingerprints) is refused at once, by either side', () => {
  const ours = Array.from({ length: 50_000 }, (_, n) => id(n));
  const crafted: ReconcileMessage = {
    ranges: Array.from({ length: 10_000 }, (_, i) => fingerprint(i === 9_999 ? null : Uint8Array.of(i >> 8, i & 255, 1))),
    want: none,
  };
  // As the responder, before it sent anything: the initiator's first message asks about one range, the whole space.
  assert.throws(() => new RangeReconciler(new IdSet(ours)).receive(crafted), /10000 ranges in answer to 1 /);
  // As the initiator, after its start: the same.
  const initiator = new RangeReconciler(new IdSet(ours));
  initiator.start();
  assert.throws(() => initiator.receive(crafted), /10000 ranges in answer to 1 /);
  // Once this node listed its ids (it holds few), there is nothing left to take apart: only "done" is an answer.
  const few = new RangeReconciler(new IdSet(ours.slice(0, 10)));
  few.start();
  assert.throws(() => few.receive({ ranges: [fingerprint(null)], want: none }), /did not ask about/);
});

test('20k ids each, thousands different on both sides, still reconcile exactly', () => {
  const shared = Array.from({ length: 14_000 }, (_, n) => id(n));
  const onlyA = Array.from({ length: 6_000 }, (_, n) => id(1_000_000 + n));
  const onlyB = Array.from({ length: 6_000 }, (_, n) => id(2_000_000 + n));
  for (const options of [{}, { branching: 4, idListThreshold: 8 }]) {
    const result = reconcile([...shared, ...onlyA], [...shared, ...onlyB], options);
    assert.deepEqual(hexes(result.initiatorSends), hexes(onlyA));
    assert.deepEqual(hexes(result.responderSends), hexes(onlyB));
    assert.ok(result.done);
  }
  // Scattered differences: every seventh id missing on one side, every eleventh on the other.
  const all = Array.from({ length: 20_000 }, (_, n) => id(n));
  const a = all.filter((_, n) => n % 7 !== 0);
  const b = all.filter((_, n) => n % 11 !== 0);
  const result = reconcile(a, b);
  assert.deepEqual(hexes(result.initiatorSends), hexes(all.filter((_, n) => n % 7 !== 0 && n % 11 === 0)));
  assert.deepEqual(hexes(result.responderSends), hexes(all.filter((_, n) => n % 11 !== 0 && n % 7 === 0)));
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
