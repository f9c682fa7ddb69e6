// A passed proposal executes in the first record past its grace period. In a DAO where nobody writes, the node
// writes that record itself (DaoService #execute): its device's delegation again, once, so that the effect
// shows without waiting for anyone's next action; and not while its identity is locked, but as soon as it
// unlocks. A real node on the real clock, with short periods.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ledgerRecords } from '../../core/dao/dao-doc.ts';
import { DaomeshError } from '../../core/errors.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { DaoService } from './dao-service.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh execution test member')));
const periodMs = 1500;

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('past its grace period a passed grant executes by a record the node writes itself, once, and only while unlocked', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-execution-'));
  let locked = false;
  const service = await DaoService.open({
    dataDir,
    verify: createNativeEd25519Verify(),
    memberKey: () => {
      if (locked) throw new DaomeshError('IDENTITY_LOCKED', 'locked');
      return member;
    },
    memberAddress: () => member.address,
    onChanged: () => {},
    anchorDelayMs: 0,
  });
  t.after(async () => {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { dao } = await service.create({ name: 'Quiet', preset: 'simple-majority', founders: [], votingPeriodMs: periodMs, gracePeriodMs: periodMs });
  const replica = service.replica(dao)!;
  const delegations = () => [...ledgerRecords(replica.doc)].filter((record) => record.record.kind === 'device.delegate').length;
  const reputation = () => service.get(dao).members.find((entry) => entry.address === member.address)?.reputation;
  const status = (proposal: string) => service.get(dao).proposals.find((entry) => entry.id === proposal)?.status;

  const pass = async (points: number): Promise<string> => {
    const { proposal } = await service.propose({ dao, title: `Thanks ${points}`, params: { kind: 'reputation.grant', member: member.address, points } });
    await service.vote({ dao, proposal, choice: 'yes' });
    await until('the voting period to end', () => status(proposal) === 'closed' || Date.now() > service.get(dao).proposals.find((entry) => entry.id === proposal)!.votingEndsAt);
    await service.signTally({ dao, proposal });
    assert.equal(status(proposal), 'passed');
    return proposal;
  };

  // 1. Unlocked: nothing else is written, yet the grant executes once its grace period is over.
  const first = await pass(5);
  const before = delegations();
  assert.equal(reputation(), 0, 'in its grace period');
  await until('the grant to execute', () => status(first) === 'executed');
  assert.equal(reputation(), 5);
  assert.equal(delegations(), before + 1, 'one record carried the execution: the delegation again');
  const size = replica.ledger.size;
  await new Promise((resolve) => setTimeout(resolve, 2 * periodMs));
  assert.equal(replica.ledger.size, size, 'and nothing after it');
  assert.deepEqual(service.get(dao).evidence, [], 'the record counts');

  // 2. Locked when it comes due: nothing can be signed, so it waits; the unlock writes it.
  const second = await pass(3);
  locked = true;
  const due = service.get(dao).proposals.find((entry) => entry.id === second)!.executesAt!;
  await until('the execution time to pass', () => Date.now() > due + 500);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(status(second), 'passed', 'a locked node writes nothing');
  locked = false;
  await service.announceDevice();
  await until('the grant to execute after the unlock', () => status(second) === 'executed');
  assert.equal(reputation(), 8);
});
