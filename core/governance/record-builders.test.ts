import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaomeshError } from '../errors.ts';
import { decodeRecord, recordHashFromId, recordIdFromHash, signRecordAsMember } from '../ledger/record.ts';
import { buildGenesis, buildProposal, buildRagequit, buildTallySignature, buildVote, type RecordContext } from './record-builders.ts';
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
