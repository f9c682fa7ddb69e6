// What a member's own node writes: rules changes name only what they change (so a second change does not
// revert a first one still in its grace period), and nothing the fold would only keep as evidence is written;
// a DAO whose files cannot be opened keeps no other DAO from opening.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { DaomeshError } from '../../core/errors.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { decodeEnvelope } from '../../core/dao/envelope.ts';
import { DaoReplica } from './dao-replica.ts';
import { heldEnvelopes, openCarriedServices } from './test-services.ts';
import { DaoService } from './dao-service.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh service writes test member')));
const minute = 60 * 1000;
const hour = 60 * minute;

/** A node of one member with a clock the test moves, holding a DAO of that member alone (so one signature decides). */
async function soloDao(t: TestContext): Promise<{ service: DaoService; dao: string; clock: { now: number }; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-writes-'));
  const clock = { now: Date.UTC(2026, 2, 1) };
  const service = await DaoService.open({
    dataDir,
    verify: createNativeEd25519Verify(),
    memberKey: () => member,
    memberAddress: () => member.address,
    onChanged: () => {},
    now: () => clock.now,
  });
  t.after(async () => {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { dao } = await service.create({ name: 'Solo', preset: 'simple-majority', founders: [], votingPeriodMs: minute, gracePeriodMs: hour });
  return { service, dao, clock, dataDir };
}

/** Proposes, votes yes, lets the vote close and signs the result: the proposal has passed, its grace period starts. */
async function pass(service: DaoService, dao: string, clock: { now: number }, title: string, rules: Record<string, unknown>): Promise<string> {
  const { proposal } = await service.propose({ dao, title, params: { kind: 'rules.change', rules } });
  await service.vote({ dao, proposal, choice: 'yes' });
  clock.now += minute + 1;
  await service.signTally({ dao, proposal });
  return proposal;
}

test('a second rules change passed while the first is in its grace period does not revert it', async (t) => {
  const { service, dao, clock } = await soloDao(t);
  const first = await pass(service, dao, clock, 'Fewer members', { memberCap: 9 });
  assert.equal(service.get(dao).proposals.find((proposal) => proposal.id === first)?.status, 'passed');
  assert.equal(service.get(dao).rules.memberCap, 15, 'the first change is in its grace period');
  clock.now += 10 * minute;
  const second = await pass(service, dao, clock, 'Longer grace', { gracePeriodMs: 2 * hour });
  clock.now += 3 * hour;
  // Executions happen in the first record past a grace period.
  await service.propose({ dao, title: 'Later', params: { kind: 'signal', text: '' } });
  const view = service.get(dao);
  assert.deepEqual(
    [first, second].map((id) => view.proposals.find((proposal) => proposal.id === id)?.status),
    ['executed', 'executed'],
  );
  assert.equal(view.rules.memberCap, 9, "the second change kept the first one's member cap");
  assert.equal(view.rules.gracePeriodMs, 2 * hour);
  // A change that changes nothing is refused before anything is signed.
  await assert.rejects(service.propose({ dao, title: 'Same', params: { kind: 'rules.change', rules: { income: view.rules.income } } }), /already in force/);
});

test('a record the fold would ignore is refused with its reason, and nothing is written', async (t) => {
  const { service, dao, clock } = await soloDao(t);
  const replica = service.replica(dao)!;
  const refused = async (write: () => Promise<unknown>, reason: RegExp): Promise<void> => {
    const size = replica.ledger.size;
    const envelopes = (await replica.envelopeIndex()).size;
    await assert.rejects(write(), (error: unknown) => error instanceof DaomeshError && error.code === 'RECORD_REJECTED' && reason.test(error.message));
    assert.equal(replica.ledger.size, size, 'no record taken in');
    assert.equal((await replica.envelopeIndex()).size, envelopes, 'no envelope logged');
  };

  await refused(
    () => service.propose({ dao, title: 'Two of one', params: { kind: 'rules.change', rules: { signatureThreshold: 2 } } }),
    /^The DAO would not count this proposal: a signature threshold of 2 is more than the 1 members\.$/,
  );
  const { proposal } = await service.propose({ dao, title: 'Go', params: { kind: 'signal', text: '' } });
  await service.vote({ dao, proposal, choice: 'yes' });
  clock.now += minute + 1;
  await refused(() => service.vote({ dao, proposal, choice: 'no' }), /^The DAO would not count this vote: vote after the voting period\.$/);
  await refused(() => service.withdraw({ dao, proposal }), /^The DAO would not count this withdrawal: /);
  await service.signTally({ dao, proposal });
  assert.equal(service.get(dao).proposals.find((entry) => entry.id === proposal)?.status, 'passed');
  assert.deepEqual(service.get(dao).evidence, [], 'the node wrote no record that does not count');

  // A withdrawal of a withdrawn proposal would count, but change nothing: refused too.
  const { proposal: other } = await service.propose({ dao, title: 'Take back', params: { kind: 'signal', text: '' } });
  await service.withdraw({ dao, proposal: other });
  assert.equal(service.get(dao).proposals.find((entry) => entry.id === other)?.status, 'withdrawn');
  await refused(() => service.withdraw({ dao, proposal: other }), /^The proposal is withdrawn already\.$/);

  // The only member's removal would pass and never execute (a member being removed writes only a rage quit).
  await refused(
    () => service.propose({ dao, title: 'Remove me', params: { kind: 'member.remove', member: member.address.toLowerCase() } }),
    /^Removing the only member would leave nobody to carry the removal out\.$/,
  );
});

test('a DAO the fold would not count is never made: refused with why, nothing held or left on disk; one founder in two spellings is one', async (t) => {
  const { service, dao, dataDir } = await soloDao(t);
  const daosDir = join(dataDir, 'daos');
  const before = (await readdir(daosDir)).sort();
  const others = Array.from({ length: 3 }, (_, i) => memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh founder ${i}`))).address);
  await assert.rejects(
    service.create({ name: 'Too many', preset: 'simple-majority', founders: others, memberCap: 2, votingPeriodMs: minute, gracePeriodMs: hour }),
    (error: unknown) => error instanceof DaomeshError && error.code === 'RECORD_REJECTED' && /genesis/.test(error.message),
  );
  assert.deepEqual(service.held(), [dao]);
  assert.deepEqual((await readdir(daosDir)).sort(), before, 'no directory left behind');

  // The caller's own address in lower case, and another founder twice in two cases: two founders, a real DAO.
  const { dao: made } = await service.create({ name: 'Cases', preset: 'simple-majority', founders: [member.address.toLowerCase(), others[0]!, others[0]!.toLowerCase()], votingPeriodMs: minute, gracePeriodMs: hour });
  assert.deepEqual([...service.get(made).members.map((entry) => entry.address)].sort(), [member.address, others[0]!].sort());
  assert.equal(service.list().length, 2);
});

test("a new DAO's first envelope is sealed by the device key it delegates, and a peer takes the log in", async (t) => {
  const { service, dao, clock } = await soloDao(t);
  await service.propose({ dao, title: 'Hello', params: { kind: 'signal', text: 'first' } });
  clock.now += minute;
  const envelopes = await heldEnvelopes(service.replica(dao)!);
  assert.ok(envelopes.length >= 2);
  // Peers check an Ed25519 signature for each, and recover no member (secp256k1) signature but the records'.
  for (const bytes of envelopes) assert.ok(decodeEnvelope(bytes).device, 'sealed by a device key');
  const peerDir = await mkdtemp(join(tmpdir(), 'daomesh-writes-peer-'));
  const { replica: peer } = await DaoReplica.open(peerDir, dao, createNativeEd25519Verify());
  t.after(async () => {
    await peer.close();
    await rm(peerDir, { recursive: true, force: true });
  });
  for (const bytes of envelopes) {
    const outcome = await peer.acceptRemote(bytes);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason.message);
  }
  assert.equal(peer.ledger.stateHash(), service.replica(dao)!.ledger.stateHash());
});

test("a DAO whose log is damaged past repair is refused with why, and the node opens every other DAO", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-writes-damaged-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const options = { dataDir, verify: createNativeEd25519Verify(), memberKey: () => member, memberAddress: () => member.address, onChanged: () => {} };
  const first = await DaoService.open(options);
  const { dao: kept } = await first.create({ name: 'Kept', preset: 'simple-majority', founders: [], votingPeriodMs: minute, gracePeriodMs: hour });
  const { dao: damaged } = await first.create({ name: 'Damaged', preset: 'simple-majority', founders: [], votingPeriodMs: minute, gracePeriodMs: hour });
  await first.close();
  // The log's header overwritten, and no snapshot to fall back on.
  const log = join(dataDir, 'daos', damaged, 'envelopes.log');
  await writeFile(log, Buffer.concat([Buffer.alloc(64, 0xee), (await readFile(log)).subarray(64)]));
  await rm(join(dataDir, 'daos', damaged, 'snapshots'), { recursive: true, force: true });

  const lines: string[] = [];
  const second = await DaoService.open({ ...options, log: (line) => lines.push(line) });
  t.after(() => second.close());
  assert.deepEqual(second.list().map((dao) => dao.name), ['Kept']);
  assert.equal(second.get(kept).name, 'Kept');
  assert.deepEqual(second.unopenable().map((entry) => [entry.dao, entry.error.code]), [[damaged, 'STORAGE_FAILED']]);
  assert.throws(() => second.get(damaged), (error: unknown) => error instanceof DaomeshError && error.code === 'STORAGE_FAILED' && error.message.includes(damaged) && error.hint !== undefined);
  await assert.rejects(second.hold(damaged), { code: 'STORAGE_FAILED' });
  assert.ok(lines.some((line) => line.includes(damaged)), 'the node says which DAO it could not open');
});

test('a node does not sign the result of a proposal it first received after the proposal\'s voting period', async (t) => {
  const bob = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh service writes test bob')));
  const clocks = [{ now: Date.UTC(2026, 2, 1) }, { now: Date.UTC(2026, 2, 1) }];
  const mesh = await openCarriedServices(t, [member, bob], (_key, index) => ({ now: () => clocks[index]!.now }));
  const [alice, bobs] = mesh.services as [DaoService, DaoService];
  const { dao } = await alice.create({ name: 'Two', preset: 'lazy-consensus', founders: [bob.address], votingPeriodMs: hour, gracePeriodMs: hour });
  mesh.dao = dao;
  await mesh.carryAll();
  // Bob writes a proposal and keeps it back past its voting period (as one claiming an old time would come).
  const { proposal: late } = await bobs.propose({ dao, title: 'Kept back', params: { kind: 'signal', text: '' } });
  for (const clock of clocks) clock.now += 2 * hour;
  // Then one he shows at once; Alice receives both now.
  const { proposal: open } = await bobs.propose({ dao, title: 'Shown at once', params: { kind: 'signal', text: '' } });
  await mesh.carry(bobs, alice);
  const receivedAt = clocks[0]!.now;
  for (const clock of clocks) clock.now += 2 * hour;
  // The proposal's page asks first (dao.signingRefusal), and says why instead of offering to sign.
  const votingEndsAt = alice.get(dao).proposals.find((entry) => entry.id === late)!.votingEndsAt;
  assert.deepEqual(alice.lateArrival(dao, late), { receivedAt, votingEndsAt });
  assert.ok(receivedAt > votingEndsAt);
  assert.equal(alice.lateArrival(dao, open), null);
  assert.equal(bobs.lateArrival(dao, late), null, 'his own node had it from the start');
  // The DAO's count of results waiting for Alice's signature leaves out the one her node will not sign.
  assert.equal(alice.list().find((entry) => entry.id === dao)?.resultsToSign, 1);
  assert.equal(alice.get(dao).resultsToSign, 1);
  assert.equal(bobs.list().find((entry) => entry.id === dao)?.resultsToSign, 2, "Bob's node had both in time");
  await assert.rejects(alice.signTally({ dao, proposal: late }), (error: unknown) => error instanceof DaomeshError && error.code === 'CANNOT_SIGN_TALLY' && /after its voting period had ended/.test(error.message));
  await alice.signTally({ dao, proposal: open });
  assert.ok(alice.get(dao).proposals.find((entry) => entry.id === open)?.certificate);
});
