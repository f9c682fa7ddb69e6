import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { levelsFor, trieDifferences, trieFrom, trieGet, trieLift, trieMax, trieSet, type Trie } from './persistent-vector.ts';

/** Every entry of a vector `width` wide, as a plain array. */
function entries(root: Trie | null, levels: number, width: number): number[] {
  return Array.from({ length: width }, (_, at) => trieGet(root, levels, at));
}

/** Vectors of up to 600 entries (three levels of 16), mostly -1 as causal vectors past a flood are. */
const vectorArbitrary = fc.integer({ min: 1, max: 600 }).chain((width) =>
  fc.tuple(fc.constant(width), fc.array(fc.tuple(fc.nat({ max: width - 1 }), fc.integer({ min: -1, max: 1000 })), { maxLength: 40 })),
);

function built([width, sets]: [number, [number, number][]]): { root: Trie | null; values: number[]; width: number } {
  const values = new Array<number>(width).fill(-1);
  const levels = levelsFor(width);
  let root: Trie | null = null;
  for (const [at, value] of sets) {
    root = trieSet(root, levels, at, value);
    values[at] = value;
  }
  return { root, values, width };
}

test('set, get and from agree with a plain array, and a set leaves the vector it started from as it was', () => {
  fc.assert(
    fc.property(vectorArbitrary, fc.nat(), fc.integer({ min: -1, max: 1000 }), (input, pick, value) => {
      const { root, values, width } = built(input);
      const levels = levelsFor(width);
      assert.deepEqual(entries(root, levels, width), values);
      assert.deepEqual(entries(trieFrom(values, width, levels), levels, width), values);
      const at = pick % width;
      const changed = trieSet(root, levels, at, value);
      assert.equal(trieGet(changed, levels, at), value);
      assert.deepEqual(entries(root, levels, width), values);
    }),
  );
});

test('max is the entrywise maximum, gives back either vector when it is that already, and differences lists exactly what differs', () => {
  fc.assert(
    fc.property(vectorArbitrary, vectorArbitrary, (left, right) => {
      const a = built(left);
      const b = built(right);
      // Both at the wider one's levels, the narrower lifted.
      const width = Math.max(a.width, b.width);
      const levels = levelsFor(width);
      const rootA = trieLift(a.root, levelsFor(a.width), levels);
      const rootB = trieLift(b.root, levelsFor(b.width), levels);
      const valuesA = entries(rootA, levels, width);
      const valuesB = entries(rootB, levels, width);
      assert.deepEqual(valuesA.slice(0, a.width), a.values);
      const merged = trieMax(rootA, rootB, levels);
      assert.deepEqual(entries(merged, levels, width), valuesA.map((value, at) => Math.max(value, valuesB[at]!)));
      assert.equal(trieMax(merged, rootA, levels), merged);
      assert.equal(trieMax(rootA, rootA, levels), rootA);
      const listed: [number, number, number][] = [];
      assert.equal(trieDifferences(rootA, rootB, levels, (at, inA, inB) => listed.push([at, inA, inB]) > 0), true);
      const expected = valuesA.flatMap((value, at) => (value === valuesB[at] ? [] : [[at, value, valuesB[at]!] as [number, number, number]]));
      assert.deepEqual(listed, expected);
      if (expected.length > 1) {
        let seen = 0;
        assert.equal(trieDifferences(rootA, rootB, levels, () => ++seen < 1), false);
        assert.equal(seen, 1);
      }
    }),
  );
});

test('levelsFor: 16 entries a leaf, 16 children a node', () => {
  assert.deepEqual([1, 16, 17, 256, 257, 4096, 4097, 65536, 65537].map(levelsFor), [0, 0, 1, 1, 2, 2, 3, 3, 4]);
});
