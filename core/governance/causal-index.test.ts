import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CausalIndex } from './causal-index.ts';

/**
 * Random DAGs of up to ~100 records: each record picks up to 4 parents among the last 12 before it, like peers
 * do, or among the last 60 (many records that did not see each other, so many chains).
 */
const dagArbitrary = fc
  .tuple(fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 120, size: 'medium' }), fc.constantFrom(12, 60))
  .map(([picks, window]) => picks.map((parents, index) => [...new Set(parents.filter(() => index > 0).map((pick) => index - 1 - (pick % Math.min(index, window))))]));

function ancestors(parents: number[][], of: number): Set<number> {
  const seen = new Set<number>([of]);
  const stack = [of];
  while (stack.length > 0) {
    for (const parent of parents[stack.pop()!]!) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      stack.push(parent);
    }
  }
  return seen;
}

/** Flat vectors only (the default bound), flat then persistent ones past 3 chains, and persistent ones only. */
const bounds = [undefined, 3, 0] as const;

function built(parents: number[][], denseUpTo?: number): CausalIndex {
  const index = new CausalIndex(denseUpTo);
  parents.forEach((list, position) => assert.equal(index.add(list), position));
  return index;
}

/** inPast, extendsOnly, markedUnseenBy, missesMarked and someSeenChain of `index` against walks of the DAG (marks of kind 1 in `others`). */
function assertExact(index: CausalIndex, parents: number[][], marks: ReadonlySet<number>, others: ReadonlySet<number> = new Set()): void {
  const pasts = parents.map((_, record) => ancestors(parents, record));
  for (let b = 0; b < parents.length; b++) {
    for (let a = 0; a < parents.length; a++) {
      assert.equal(index.inPast(a, b), pasts[b]!.has(a), `${a} in past of ${b}`);
      // a's past is inside b's when a is in it, so b's is a's plus b when it has one more record.
      const extendsOnly = a !== b && pasts[b]!.has(a) && pasts[b]!.size === pasts[a]!.size + 1;
      assert.equal(index.extendsOnly(b, a), extendsOnly, `${b} extends only ${a}`);
    }
    for (const [kind, marked] of [marks, others].entries()) {
      const unseen = [...marked].filter((mark) => !pasts[b]!.has(mark));
      assert.deepEqual(new Set(index.markedUnseenBy(b, kind)), new Set(unseen), `marks of kind ${kind} unseen by ${b}`);
      assert.equal(index.missesMarked(b, kind), unseen.length > 0);
    }
    const seenChains = [...new Set([...pasts[b]!].map((record) => index.chain(record)))].sort((x, y) => x - y);
    const visited: number[] = [];
    assert.equal(index.someSeenChain(b, seenChains.length, (chain) => visited.push(chain) < 0), false);
    assert.deepEqual(visited, seenChains);
    if (seenChains.length > 1) {
      assert.equal(index.someSeenChain(b, seenChains.length - 1, () => false), null);
      assert.equal(index.someSeenChain(b, seenChains.length, (chain) => chain === seenChains[1]), true);
    }
  }
}

for (const denseUpTo of bounds) {
  const kept = denseUpTo === undefined ? 'flat vectors' : denseUpTo === 0 ? 'persistent vectors' : `vectors flat up to ${denseUpTo} chains`;

  test(`inPast, extendsOnly, marks and seen chains answer exactly like walks of the DAG, whatever the chain split (${kept})`, () => {
    fc.assert(
      fc.property(dagArbitrary, fc.array(fc.nat()), fc.array(fc.nat()), (parents, picks, otherPicks) => {
        const index = built(parents, denseUpTo);
        const marks = new Set(picks.map((pick) => pick % parents.length));
        const others = new Set(otherPicks.map((pick) => pick % parents.length));
        for (const mark of marks) index.mark(mark);
        for (const mark of others) index.mark(mark, 1);
        assertExact(index, parents, marks, others);
      }),
      { numRuns: 60 },
    );
  });

  test(`parts and fromParts give back an index that answers the same, at any bound (${kept})`, () => {
    fc.assert(
      fc.property(dagArbitrary, fc.constantFrom(...bounds), (parents, readBound) => {
        const original = built(parents, denseUpTo);
        const parts = original.parts();
        const back = CausalIndex.fromParts(parts.chainOf, parts.positionOf, parts.widths, parts.bases, parts.vectors.slice(), readBound);
        assertExact(back, parents, new Set());
        // What is added after reading back lands as it would have in the original.
        const next = [parents.length - 1, Math.floor(parents.length / 2)];
        assert.equal(back.add(next), original.add(next));
        for (let a = 0; a <= parents.length; a++) assert.equal(back.inPast(a, parents.length), original.inPast(a, parents.length));
      }),
      { numRuns: 60 },
    );
  });
}

test('removeLast takes back a flat or a persistent vector, and the next add lands where it would have', () => {
  for (const denseUpTo of bounds) {
    const index = new CausalIndex(denseUpTo);
    index.add([]);
    index.add([0]);
    index.add([0]);
    const before = index.parts();
    index.add([1, 2]);
    index.add([0]);
    index.removeLast();
    index.removeLast();
    assert.deepEqual(index.parts(), before);
    assert.equal(index.add([1, 2]), 3);
    assert.ok(index.inPast(2, 3) && index.inPast(1, 3));
  }
});

test('fromParts refuses columns that do not describe an index', () => {
  const index = new CausalIndex(0);
  index.add([]);
  index.add([0]);
  index.add([0]);
  index.add([1, 2]);
  const good = index.parts();
  const read = (change: (parts: { chainOf: number[]; positionOf: number[]; widths: number[]; bases: Int32Array; vectors: Int32Array }) => void) => {
    const parts = { chainOf: [...good.chainOf], positionOf: [...good.positionOf], widths: [...good.widths], bases: good.bases!.slice(), vectors: good.vectors.slice() };
    change(parts);
    return () => CausalIndex.fromParts(parts.chainOf, parts.positionOf, parts.widths, parts.bases, parts.vectors, 0);
  };
  assert.doesNotThrow(read(() => {}));
  assert.throws(read((parts) => (parts.bases[3] = 4)), /record 3 has a vector that does not fit/);
  assert.throws(read((parts) => (parts.bases[1] = -1)), RangeError);
  // Record 3's changes: a count, then chain and entry pairs; an entry past its chain's end, a chain out of order.
  const at = parts3Offset(good);
  assert.throws(read((parts) => (parts.vectors[at + 2] = 7)), /has seen a record that does not exist|does not fit/);
  assert.throws(read((parts) => (parts.vectors[at] = 99)), /does not fit/);
  assert.throws(read((parts) => (parts.widths[3] = 9)), /does not fit/);
  assert.throws(read((parts) => (parts.vectors = parts.vectors.subarray(0, parts.vectors.length - 1))), RangeError);
});

/** Where record 3's entry starts in the vectors of an index whose every vector is written as changes. */
function parts3Offset(parts: ReturnType<CausalIndex['parts']>): number {
  let offset = 0;
  for (let record = 0; record < 3; record++) offset += 1 + 2 * parts.vectors[offset]!;
  return offset;
}

test('K records none of which saw the others cost a path each, not K entries each, and answer exactly', () => {
  const count = 3000;
  const index = new CausalIndex();
  index.add([]);
  for (let i = 0; i < count; i++) index.add([0]);
  // Then one writer merges them 32 at a time, and writes as many again on top.
  let heads = Array.from({ length: count }, (_, i) => i + 1);
  while (heads.length > 1) {
    const merged: number[] = [];
    for (let at = 0; at < heads.length; at += 32) merged.push(index.add(heads.slice(at, at + 32)));
    heads = merged;
  }
  const mergedAt = heads[0]!;
  for (let i = 0; i < count; i++) heads = [index.add(heads)];
  const last = index.size - 1;
  for (let record = 1; record <= count; record++) assert.ok(index.inPast(record, mergedAt) && index.inPast(record, last) && !index.inPast(mergedAt, record));
  for (let record = 2; record <= count; record++) assert.ok(!index.inPast(record - 1, record));
  // Flat, the concurrent records' vectors alone would be count²/2 entries, and each record after them count entries.
  const flatBytes = ((count * count) / 2 + count * count) * 4;
  assert.ok(index.vectorBytes() < flatBytes / 5, `${index.vectorBytes()} bytes of vectors, flat ${flatBytes}`);
});

test('a linear history is one chain, so vectors stay one entry wide', () => {
  const index = new CausalIndex();
  index.add([]);
  for (let i = 1; i < 1000; i++) index.add([i - 1]);
  assert.ok(index.inPast(0, 999));
  assert.ok(!index.inPast(999, 0));
  assert.ok(index.parts().widths.every((width) => width === 1));
});
