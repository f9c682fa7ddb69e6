// A record's time is claimed by its author, and every record written on top of it is at least as late. A node
// therefore holds back what claims a time too far ahead of its own clock (DaoLedger, 10 minutes), until its
// clock gets there: one member whose clock runs a day ahead (or who lies) must not make every vote written after
// their record "after the voting period" for everyone. Real nodes, one with its clock set ahead.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { DaomeshError } from '../../core/errors.ts';
import { memberKeyFromPrivateKey, type MemberKey } from '../../core/identity/member-key.ts';
import { DaoService, type DaoServiceOptions } from './dao-service.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';
import { heldEnvelopes } from './test-services.ts';

const [alice, bob] = ['alice', 'bob'].map((name) => memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh clock test ${name}`)))) as [MemberKey, MemberKey];
const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;
const allowedSkewMs = 10 * minute;

type Node = { service: DaoService; dataDir: string; changes: string[] };

/** A member's node whose clock runs `aheadMs` ahead of the real one (or as `clock` says, which a test may move). */
async function openNode(t: TestContext, key: MemberKey, aheadMs: number, dataDir?: string, clock = { aheadMs }, options: Partial<DaoServiceOptions> = {}): Promise<Node> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'daomesh-clock-')));
  const changes: string[] = [];
  const service = await DaoService.open({
    dataDir: dir,
    verify: createNativeEd25519Verify(),
    memberKey: () => key,
    memberAddress: () => key.address,
    onChanged: (dao) => changes.push(dao),
    now: () => Date.now() + clock.aheadMs,
    executeWhenDue: false,
    ...options,
  });
  t.after(async () => {
    await service.close();
    if (dataDir === undefined) await rm(dir, { recursive: true, force: true });
  });
  return { service, dataDir: dir, changes };
}

/** Gives `to` every envelope of `dao` that `from` holds, as catch-up would. */
async function carry(from: DaoService, to: DaoService, dao: string): Promise<void> {
  const target = await (await to.hold(dao)).envelopeIndex();
  const fresh = (await heldEnvelopes(from.replica(dao)!)).filter((bytes) => !target.hasBytes(bytes));
  const outcomes = await to.acceptRemoteMany(dao, fresh);
  assert.ok(outcomes.every((outcome) => outcome.ok), 'every envelope passes the gate');
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Bob's DAO of two (alice too), on both nodes, with a proposal of bob's open for an hour. */
async function twoMembers(t: TestContext, aliceAheadMs: number): Promise<{ nodes: [Node, Node]; dao: string; open: string }> {
  const bobNode = await openNode(t, bob, 0);
  const aliceNode = await openNode(t, alice, aliceAheadMs);
  const { dao } = await bobNode.service.create({ name: 'Clocks', preset: 'simple-majority', founders: [alice.address], votingPeriodMs: hour, gracePeriodMs: hour });
  const { proposal: open } = await bobNode.service.propose({ dao, title: 'Lunch on Friday', params: { kind: 'signal', text: '' } });
  await carry(bobNode.service, aliceNode.service, dao);
  return { nodes: [bobNode, aliceNode], dao, open };
}

test("a record claiming a time a day ahead is held back, so it does not make everyone's later votes late; it stays held across a restart", async (t) => {
  const { nodes, dao, open } = await twoMembers(t, day);
  const [bobNode, aliceNode] = nodes;
  // Alice's node writes with its own clock, a day ahead: to it, that is now.
  const { proposal: early } = await aliceNode.service.propose({ dao, title: 'Written tomorrow', params: { kind: 'signal', text: '' } });
  await carry(aliceNode.service, bobNode.service, dao);

  const replica = bobNode.service.replica(dao)!;
  assert.equal(replica.ledger.has(early), false, 'stored, but not in the fold yet');
  const held = bobNode.service.heldBack(dao);
  assert.equal(held?.count, 2, "the proposal and her device's delegation, which her node's first write carries");
  assert.deepEqual(held?.authors, [alice.address]);
  assert.ok(held.latest > Date.now() + day - minute, 'it claims a day ahead');
  assert.equal(bobNode.service.get(dao).proposals.some((proposal) => proposal.id === early), false);

  // Bob can still vote on his open proposal, and his vote counts: it was not written on top of tomorrow.
  await bobNode.service.vote({ dao, proposal: open, choice: 'yes' });
  assert.equal(bobNode.service.get(dao).proposals.find((proposal) => proposal.id === open)?.tally.yes, 1);
  assert.deepEqual(bobNode.service.get(dao).evidence, []);

  // A restart reads it back from the log, and holds it again.
  await bobNode.service.close();
  const reopened = await openNode(t, bob, 0, bobNode.dataDir);
  assert.equal(reopened.service.replica(dao)!.ledger.has(early), false);
  assert.equal(reopened.service.heldBack(dao)?.count, 2);
  // The snapshot keeps the held records beside the fold: a record dated years ahead does not make every open
  // build the whole doc to find it again.
  assert.equal(reopened.service.replica(dao)!.docBuilt, false);
  assert.equal(reopened.service.get(dao).proposals.find((proposal) => proposal.id === open)?.tally.yes, 1);
  await rm(bobNode.dataDir, { recursive: true, force: true });
});

test('a held record comes in by itself once the clock reaches it, and the change is announced', async (t) => {
  // Alice's clock runs 1.5 s more ahead than a node lets through.
  const { nodes, dao } = await twoMembers(t, allowedSkewMs + 1500);
  const [bobNode, aliceNode] = nodes;
  const { proposal } = await aliceNode.service.propose({ dao, title: 'A little early', params: { kind: 'signal', text: '' } });
  await carry(aliceNode.service, bobNode.service, dao);
  const replica = bobNode.service.replica(dao)!;
  assert.equal(replica.ledger.has(proposal), false, 'held at first');
  const announced = bobNode.changes.length;
  await until('the held proposal to come in', () => replica.ledger.has(proposal));
  assert.equal(bobNode.service.heldBack(dao), null);
  assert.ok(bobNode.service.get(dao).proposals.some((entry) => entry.id === proposal));
  assert.ok(bobNode.changes.length > announced, 'the UI is told');
});

test('a flood of held records is not copied into every snapshot: past a thousand, the open finds them in the doc', async (t) => {
  const { nodes, dao } = await twoMembers(t, day);
  const [bobNode, aliceNode] = nodes;
  for (let i = 0; i < 1000; i++) await aliceNode.service.propose({ dao, title: `Tomorrow ${i}`, params: { kind: 'signal', text: '' } });
  await carry(aliceNode.service, bobNode.service, dao);
  assert.equal(bobNode.service.heldBack(dao)?.count, 1001, "a thousand proposals and her device's delegation");
  await bobNode.service.close();
  const reopened = await openNode(t, bob, 0, bobNode.dataDir);
  assert.equal(reopened.service.heldBack(dao)?.count, 1001, 'all held again');
  assert.equal(reopened.service.replica(dao)!.docBuilt, true, 'found in the doc');
  await rm(bobNode.dataDir, { recursive: true, force: true });
});

test('held records come in soon after the clock is set right, not when a timer planned by the wrong clock fires', async (t) => {
  // Bob's clock runs an hour behind: alice's proposal waits at his node for about 50 minutes of his clock.
  const bobClock = { aheadMs: -hour };
  const aliceNode = await openNode(t, alice, 0);
  const { dao } = await aliceNode.service.create({ name: 'Clocks', preset: 'simple-majority', founders: [bob.address], votingPeriodMs: 2 * hour, gracePeriodMs: hour });
  const bobNode = await openNode(t, bob, 0, undefined, bobClock, { releaseCheckMs: 200 });
  await carry(aliceNode.service, bobNode.service, dao);
  assert.ok(bobNode.service.heldBack(dao) !== null, 'the DAO is held back at first');
  // NTP sets bob's clock right. Nothing else happens in the DAO; the node finds out by itself.
  bobClock.aheadMs = 0;
  await until('the held records to come in', () => bobNode.service.heldBack(dao) === null, 5000);
  assert.equal(bobNode.service.get(dao).name, 'Clocks');
});

test("a node whose clock ran ahead and was set back holds its own records after a restart, and says so when it cannot write on them", async (t) => {
  const { nodes, dao, open } = await twoMembers(t, hour);
  const aliceNode = nodes[1];
  await aliceNode.service.propose({ dao, title: 'Written with the clock an hour ahead', params: { kind: 'signal', text: '' } });
  await aliceNode.service.close();
  // As after a crash with no snapshot since: the log is read again, by the clock NTP has set right.
  await rm(join(aliceNode.dataDir, 'daos', dao, 'snapshots'), { recursive: true, force: true });
  const reopened = await openNode(t, alice, 0, aliceNode.dataDir);
  assert.deepEqual(reopened.service.heldBack(dao)?.authors, [alice.address]);
  await assert.rejects(reopened.service.vote({ dao, proposal: open, choice: 'yes' }), (error: DaomeshError) => {
    assert.equal(error.code, 'RECORD_REJECTED');
    assert.match(error.message, /would not count this vote: .*ahead of this computer's clock/);
    assert.match(error.hint ?? '', /clock is right/);
    return true;
  });
  await rm(aliceNode.dataDir, { recursive: true, force: true });
});
