import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaomeshError } from '../errors.ts';
import { decodeRecord, maxDeps, recordHashFromId, recordIdFromHash, signRecordAsMember } from '../ledger/record.ts';
import { buildGenesis, buildProposal, buildRagequit, buildTallySignature, buildVote, depsOf, type RecordContext } from './record-builders.ts';
import { quadratic } from './rules.ts';
import { actor } from './test-dao.ts';

const alice = actor('alice');
const id = (fill: number) => recordIdFromHash(new Uint8Array(32).fill(fill));
const context: RecordContext = { dao: id(1), author: alice.key.address, deps: [id(9), id(3)], time: 1_700_000_000_000 };

test('builders make records that survive signing and decoding, deps sorted, votes in a certificate sorted by bytes', () => {
  const record = decodeRecord(signRecordAsMember(buildVote(context, { proposal: id(2), choice: 'yes', votes: 3 }), alice.key.privateKey).bytes);
  assert.equal(record.record.kind, 'vote');
  assert.deepEqual(record.record.deps, [recordHashFromId(id(3)), recordHashFromId(id(9))]);
  assert.deepEqual(record.record.body, { proposal: recordHashFromId(id(2)), choice: 'yes', votes: 3 });
  const tally = buildTallySignature(context, { proposal: id(2), votes: [id(200), id(7)], outcome: 'passed' });
  assert.deepEqual(tally.body.votes, [recordHashFromId(id(7)), recordHashFromId(id(200))]);
  assert.deepEqual(buildRagequit(context).body, {});
});

test('builders refuse what the fold would call malformed, with a sentence', () => {
  const cases: Array<() => unknown> = [
    () => buildVote(context, { proposal: id(2), choice: 'maybe' as 'yes' }),
    () => buildProposal(context, { kind: 'signal', params: { text: '' }, title: '' }),
    () => buildProposal(context, { kind: 'nonsense', params: {}, title: 'x' }),
    () => buildProposal(context, { kind: 'member.add', params: { member: alice.key.address, shares: -1n }, title: 'x' }),
    () => buildGenesis({ author: alice.key.address, name: 'x', charter: '', founders: [alice.key.address], rules: { ...quadratic(1), memberCap: 0 }, nonce: new Uint8Array(8), time: 0 }),
    () => buildTallySignature(context, { proposal: id(2), votes: [id(4), id(4)], outcome: 'passed' }),
  ];
  for (const make of cases) {
    assert.throws(make, (error: unknown) => error instanceof DaomeshError && error.code === 'BAD_REQUEST' && error.message.length > 10);
  }
});

test("deps always hold the writer client's previous record: added when the heads are past it, kept when there are too many heads", () => {
  const heads = Array.from({ length: 40 }, (_, i) => id(100 + i));
  assert.deepEqual(depsOf({ deps: [id(9), id(3)] }), [id(9), id(3)]);
  assert.deepEqual(depsOf({ deps: [id(9), id(3)], previous: id(3) }), [id(9), id(3)]);
  assert.deepEqual(depsOf({ deps: [id(9), id(3)], previous: id(5) }), [id(9), id(3), id(5)]);
  // Forty heads: the last 31 and the previous record, which sorts first.
  assert.deepEqual(depsOf({ deps: heads, previous: id(5) }), [...heads.slice(-(maxDeps - 1)), id(5)]);
  // The previous record among the heads, but not among the last 32: kept in place of the first of those.
  assert.deepEqual(depsOf({ deps: heads, previous: heads[0]! }), [...heads.slice(-(maxDeps - 1)), heads[0]!]);
  assert.deepEqual(depsOf({ deps: heads }), heads.slice(-maxDeps));
  const record = decodeRecord(signRecordAsMember(buildVote({ ...context, deps: heads, previous: id(5) }, { proposal: id(2), choice: 'yes' }), alice.key.privateKey).bytes);
  assert.equal(record.record.deps.length, maxDeps);
  assert.ok(record.record.deps.some((dep) => recordIdFromHash(dep) === id(5)));
});
