import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CausalIndex } from './causal-index.ts';

/** Random DAGs: each record picks up to 4 parents among the earlier ones, often recent ones, like peers do. */
const dagArbitrary = fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 120 }).map((picks) =>
  picks.map((parents, index) => [...new Set(parents.filter(() => index > 0).map((pick) => index - 1 - (pick % Math.min(index, 12))))]),
);

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

test('inPast answers exactly like a walk of the DAG, whatever the chain split', () => {
  fc.assert(
    fc.property(dagArbitrary, (parents) => {
      const index = new CausalIndex();
      parents.forEach((list, position) => assert.equal(index.add(list), position));
      for (let b = 0; b < parents.length; b++) {
        const past = ancestors(parents, b);
        for (let a = 0; a < parents.length; a++) assert.equal(index.inPast(a, b), past.has(a), `${a} in past of ${b}`);
      }
    }),
    { numRuns: 200 },
  );
});

test('unseenBy lists exactly the records outside a record\'s past, and gives up past its limit', () => {
  fc.assert(
    fc.property(dagArbitrary, (parents) => {
      const index = new CausalIndex();
      for (const list of parents) index.add(list);
      const last = parents.length - 1;
      const past = ancestors(parents, last);
      const unseen = index.unseenBy(last, 10_000)!;
      assert.deepEqual(new Set(unseen), new Set(parents.map((_, position) => position).filter((position) => !past.has(position))));
      if (unseen.length > 1) assert.equal(index.unseenBy(last, unseen.length - 1), null);
    }),
  );
});

test('a linear history is one chain, so vectors stay one entry wide', () => {
  const index = new CausalIndex();
  index.add([]);
  for (let i = 1; i < 1000; i++) index.add([i - 1]);
  assert.ok(index.inPast(0, 999));
  assert.ok(!index.inPast(999, 0));
  assert.deepEqual(index.unseenBy(999, 10), []);
});
