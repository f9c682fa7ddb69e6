// The quick body checks accept nothing their schema refuses, and give what the schema gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { recordIdFromHash, type RecordBody } from '../ledger/record.ts';
import { quickTallySignBody, quickVoteBody } from './quick-bodies.ts';
import { tallySignBodySchema, voteBodySchema } from './record-kinds.ts';

const id = (fill: number) => new Uint8Array(32).fill(fill);

/** A quick body with the records it names as ids, as the schema gives them. */
function withIds(body: { proposal: Uint8Array; votes?: unknown }): unknown {
  const votes = Array.isArray(body.votes) ? { votes: body.votes.map((vote: Uint8Array) => recordIdFromHash(vote)) } : {};
  return { ...body, proposal: recordIdFromHash(body.proposal), ...votes };
}
const value = fc.oneof(
  fc.constantFrom<unknown>('yes', 'no', 'abstain', 'passed', 'rejected', 'maybe', null, true, 0, -1, 1, 3, 1_000_000, 1_000_001, 2.5, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.integer({ min: 0, max: 255 }).map(id),
  fc.uint8Array({ minLength: 0, maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 6 }).map(id), { maxLength: 5 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }).map(id), fc.constant<unknown>('x')), { maxLength: 3 }),
);
const body = fc.dictionary(fc.constantFrom('proposal', 'choice', 'votes', 'outcome', 'other', '__proto__'), value, { maxKeys: 4 }) as fc.Arbitrary<RecordBody>;

test('quick vote and tally signature bodies agree with their schemas on any input', () => {
  fc.assert(
    fc.property(body, (raw) => {
      for (const [quick, schema] of [
        [quickVoteBody, voteBodySchema],
        [quickTallySignBody, tallySignBodySchema],
      ] as const) {
        const fast = quick(raw);
        const parsed = schema.safeParse(raw);
        if (fast !== null) {
          assert.ok(parsed.success, `quick accepted what the schema refuses: ${JSON.stringify(Object.keys(raw))}`);
          assert.deepEqual(withIds(fast), parsed.data);
        }
      }
    }),
    { numRuns: 5000 },
  );
  // And the usual shapes do take the quick path.
  assert.deepEqual(withIds(quickVoteBody({ proposal: id(1), choice: 'yes' })!), voteBodySchema.parse({ proposal: id(1), choice: 'yes' }));
  assert.deepEqual(withIds(quickVoteBody({ proposal: id(1), choice: 'no', votes: 3 })!), voteBodySchema.parse({ proposal: id(1), choice: 'no', votes: 3 }));
  const tally = { proposal: id(1), votes: [id(2), id(3)], outcome: 'passed' };
  assert.deepEqual(withIds(quickTallySignBody(tally)!), tallySignBodySchema.parse(tally));
});
