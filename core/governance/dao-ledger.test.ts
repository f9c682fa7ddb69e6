// The fold's mechanics: pending records, evidence for what is not governance, determinism, incrementality.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressBytes, canonicalDeps, recordHashFromId, signRecordAsMember, type LedgerRecord } from '../ledger/record.ts';
import { DaoLedger } from './dao-ledger.ts';
import { SettledStates } from './ledger-index.ts';
import { buildGenesis, buildProposal } from './record-builders.ts';
import { reasons } from './reasons.ts';
import { simpleMajority } from './rules.ts';
import { actor, day, hour, Scenario, startTime, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

/** A short history with a decision in it. */
function history(): Scenario {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 10n }, title: 'Thanks' });
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.vote(carol, proposal, 'no');
  scenario.advance(day + 1);
  scenario.sign(alice, proposal);
  scenario.sign(carol, proposal);
  scenario.advance(hour);
  scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Next' });
  return scenario;
}

test('records wait for missing deps without becoming evidence, and apply when the deps arrive', () => {
  const scenario = history();
  const [genesis, ...rest] = scenario.records;
  const ledger = new DaoLedger(scenario.daoId);
  const first = ledger.add(rest);
  assert.deepEqual(first.applied, []);
  assert.equal(first.pending.length, rest.length);
  assert.deepEqual(ledger.missing(), [scenario.daoId]);
  assert.equal(ledger.state(scenario.now).ready, false);
  assert.deepEqual(ledger.state(scenario.now).evidence, []);
  const second = ledger.add(genesis!);
  assert.equal(second.applied.length, scenario.records.length);
  assert.deepEqual(second.pending, []);
  assert.equal(ledger.stateHash(), scenario.ledger.stateHash());
});

test('the same records in any order, one by one or all at once, with duplicates: the same state and hash', () => {
  const scenario = history();
  const records = scenario.records;
  const orders: LedgerRecord[][] = [[...records].reverse(), [...records.slice(3), ...records, ...records.slice(0, 3)], records.filter((_, i) => i % 2 === 0).concat(records)];
  for (const order of orders) {
    const incremental = new DaoLedger(scenario.daoId);
    for (const record of order) incremental.add(record);
    assert.equal(incremental.stateHash(), scenario.ledger.stateHash());
    const batch = new DaoLedger(scenario.daoId);
    batch.add(order);
    assert.deepEqual(batch.state(scenario.now), scenario.ledger.state(scenario.now));
    assert.deepEqual(batch.canonicalOrder(), scenario.ledger.canonicalOrder());
  }
});

test('the state hash does not depend on now; the views derived from now do', () => {
  const scenario = new Scenario([alice, bob, carol], { ...rules, reputationHalfLifeMs: day });
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'S' });
  const early = scenario.ledger.state(scenario.now);
  const late = scenario.ledger.state(scenario.now + 2 * day);
  assert.equal(early.stateHash, late.stateHash);
  assert.equal(early.proposals[0]!.status, 'open');
  assert.equal(late.proposals[0]!.status, 'voting-closed');
  assert.equal(late.proposals[0]!.id, proposal);
});

test('records of unknown kinds, of another DAO and a second genesis are kept as evidence, not crashes', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const unknown = scenario.write(alice, (context) => ({
    dao: recordHashFromId(context.dao),
    kind: 'bounty.post',
    body: { reward: 5 },
    author: addressBytes(context.author),
    deps: canonicalDeps(context.deps.map(recordHashFromId)),
    time: context.time,
  }));
  assert.equal(scenario.evidenceFor(unknown), reasons.unknownKind);
  const otherDao = new Scenario([bob], { ...rules, signatureThreshold: 1 });
  const foreign = otherDao.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Elsewhere' });
  scenario.ledger.add([otherDao.genesis, otherDao.records.find((record) => record.id === foreign)!]);
  assert.equal(scenario.evidenceFor(otherDao.genesis), reasons.anotherGenesis);
  assert.equal(scenario.evidenceFor(foreign), reasons.anotherDao);
  const badKind = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'fine' });
  assert.equal(scenario.evidenceFor(badKind), undefined);
  const malformed = scenario.write(alice, (context) => ({ ...buildProposal(context, { kind: 'signal', params: { text: '' }, title: 'x' }), body: { kind: 'signal', title: '', params: {} } }));
  assert.match(scenario.evidenceFor(malformed)!, /^malformed body: title/);
  const unknownProposal = scenario.write(alice, (context) => ({ ...buildProposal(context, { kind: 'signal', params: { text: '' }, title: 'x' }), body: { kind: 'bounty.post', title: 'x', params: {} } }));
  assert.equal(scenario.evidenceFor(unknownProposal), `${reasons.unknownProposalKind}: bounty.post`);
  assert.equal(scenario.state().proposals.length, 1);
});

test('an invalid genesis makes no DAO: a founder list without its author, or a threshold of half', () => {
  for (const [body, reason] of [
    [{ founders: [bob.key.address, carol.key.address], rules }, /its author is not a founder/],
    [{ founders: [alice.key.address, bob.key.address], rules: { ...rules, signatureThreshold: 1 } }, /not more than half of 2 members/],
  ] as const) {
    const genesis = signRecordAsMember(
      buildGenesis({ author: alice.key.address, name: 'Bad', charter: '', nonce: new Uint8Array(8), time: startTime, ...body }),
      alice.key.privateKey,
    );
    const ledger = new DaoLedger(genesis.id);
    ledger.add(genesis);
    const state = ledger.state(startTime);
    assert.equal(state.ready, false);
    assert.match(state.evidence[0]!.reason, reason);
  }
});

test('a record claiming a time far ahead of now waits until it is not', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const ledger = new DaoLedger(scenario.daoId);
  ledger.add(scenario.genesis, scenario.now);
  const future = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'From the future' }, { time: scenario.now + day });
  const record = scenario.records.find((candidate) => candidate.id === future)!;
  assert.deepEqual(ledger.add(record, scenario.now).held, [future]);
  assert.equal(ledger.has(future), false);
  // What a node shows (and times its next look by): one record of alice's, a day ahead, taken in 10 minutes before.
  assert.deepEqual(ledger.heldBack(), { count: 1, latest: scenario.now + day, releasesAt: scenario.now + day - 10 * 60 * 1000, authors: [alice.key.address] });
  assert.deepEqual(ledger.add([], scenario.now + day - 10 * 60 * 1000 - 1).applied, []);
  assert.deepEqual(ledger.add([], scenario.now + day - 10 * 60 * 1000).applied, [future]);
  assert.equal(ledger.heldBack(), null);
});

test('records are found by id through their hashes; a string that is no record id finds nothing and throws nothing', () => {
  const scenario = history();
  const ledger = scenario.ledger;
  for (const record of scenario.records) {
    assert.equal(ledger.has(record.id), true);
    assert.deepEqual(ledger.verdictOf(record.id), { ok: true });
  }
  const absent = signRecordAsMember(buildProposal({ dao: scenario.daoId, author: alice.key.address, deps: [scenario.daoId], time: scenario.now }, { kind: 'signal', params: { text: '' }, title: 'Never sent' }), alice.key.privateKey);
  for (const id of [absent.id, '', 'not a record id', `${scenario.daoId}=`, scenario.daoId.slice(1), '!'.repeat(43)]) {
    assert.equal(ledger.has(id), false, id);
    assert.equal(ledger.verdictOf(id), undefined, id);
  }
  // The same record again, and a list holding it twice: taken once.
  const size = ledger.size;
  assert.deepEqual(ledger.add([absent, absent]).applied, [absent.id]);
  assert.deepEqual(ledger.add(absent).applied, []);
  assert.equal(ledger.size, size + 1);
  assert.equal(ledger.has(absent.id), true);
});

test('incremental: a record appended after everything else updates the state; the heads move', () => {
  const scenario = history();
  const heads = scenario.ledger.heads();
  assert.equal(heads.length, 1);
  const next = scenario.propose(carol, { kind: 'signal', params: { text: '' }, title: 'More' });
  assert.deepEqual(scenario.ledger.heads(), [next]);
  assert.equal(scenario.ledger.canonicalOrder().at(-1), next);
  assert.equal(scenario.state().records, scenario.records.length);
});

test("settle's shortcut keeps the states of recent records only, from wherever the fold starts", () => {
  const states = new SettledStates();
  const [a, b] = [{ state: 'a' }, { state: 'b' }];
  for (let index = 0; index < 20_000; index++) states.set(index, index % 2 === 0 ? a : b);
  assert.equal(states.get(19_999), b);
  assert.equal(states.get(19_998), a);
  assert.equal(states.get(16_000), a);
  assert.equal(states.get(100), undefined, 'long-gone records keep no state');
  assert.equal(states.get(20_000), undefined);
  // A fold imported from a snapshot settles from its first new record on, with nothing kept before it.
  const imported = new SettledStates();
  imported.set(100_000, a);
  imported.set(100_002, b);
  assert.equal(imported.get(100_000), a);
  assert.equal(imported.get(100_001), null);
  assert.equal(imported.get(100_002), b);
  assert.equal(imported.get(99_999), undefined);
});

test('saw: a record sees itself and everything in its causal past, not what was written beside it or after it', () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: 'picnic' }, title: 'Picnic' });
  const common = scenario.ledger.heads();
  const alices = scenario.vote(alice, proposal, 'yes', { deps: common });
  const bobs = scenario.vote(bob, proposal, 'no', { deps: common });
  const after = scenario.vote(alice, proposal, 'no');
  const ledger = scenario.ledger;
  assert.deepEqual(
    [ledger.saw(alices.id, proposal), ledger.saw(alices.id, alices.id), ledger.saw(after.id, bobs.id), ledger.saw(after.id, scenario.daoId)],
    [true, true, true, true],
  );
  assert.deepEqual([ledger.saw(alices.id, bobs.id), ledger.saw(bobs.id, alices.id), ledger.saw(proposal, alices.id), ledger.saw(alices.id, after.id)], [false, false, false, false]);
  assert.equal(ledger.saw(alices.id, 'A'.repeat(43)), false, 'a record not in the fold is in nobody\'s past');
  assert.equal(ledger.saw('A'.repeat(43), alices.id), false);
});

test('heads(n) gives the n heads that sort last, as the full list ends', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Many heads' });
  const old = scenario.ledger.heads();
  for (let i = 0; i < 80; i++) scenario.advance(1).vote([alice, bob, carol][i % 3]!, proposal, i % 2 === 0 ? 'yes' : 'no', { deps: old });
  const all = scenario.ledger.heads();
  assert.equal(all.length, 80);
  for (const n of [1, 2, 5, 32, 79, 80, 200]) assert.deepEqual(scenario.ledger.heads(n), all.slice(-n), `the last ${n}`);
});

test('the state hash of a fixed history is the one pinned here: its encoding changes only on purpose', () => {
  // Keys, times and signatures are deterministic, so the hash is too. A change to what the hash takes (the
  // governance README's "State hash") changes this value: update it then, and say so in the commit.
  const scenario = history();
  const proposal = scenario.propose(carol, { kind: 'signal', params: { text: 'twice' }, title: 'Changed mind' });
  scenario.vote(carol, proposal, 'no');
  scenario.vote(carol, proposal, 'yes');
  const state = scenario.ledger.state(scenario.now);
  assert.deepEqual(state.evidence.map((entry) => entry.reason), [reasons.superseded]);
  assert.equal(state.stateHash, '444a13a51a6f00f874e844f98bc48727c261ae663b4b69d15f00f3096c56c101');
});

test("a state's evidence pages are slices of its evidence list, made without reading the rest", () => {
  const scenario = history();
  const proposal = scenario.state().proposals.find((entry) => entry.status === 'open')!.id;
  for (let round = 0; round < 5; round++) scenario.vote(alice, proposal, round % 2 === 0 ? 'yes' : 'no'); // 4 superseded
  scenario.write(alice, (context) => ({
    dao: recordHashFromId(context.dao),
    kind: 'bounty.post',
    body: {},
    author: addressBytes(context.author),
    deps: canonicalDeps(context.deps.map(recordHashFromId)),
    time: context.time,
  })); // an unknown kind: invalid
  const paged = scenario.ledger.state(scenario.now);
  // Pages first (entries made for them alone), then the whole list, then pages again from it: all agree.
  const pages = [paged.evidencePage(0, 2), paged.evidencePage(2, 100), paged.evidencePage(5, 1), paged.evidencePage(-3, 2.5), paged.evidencePage(1, 0)];
  const whole = paged.evidence;
  assert.equal(paged.evidenceCount, 5);
  assert.equal(whole.length, 5);
  assert.deepEqual(pages, [whole.slice(0, 2), whole.slice(2), [], whole.slice(0, 2), []]);
  assert.deepEqual(paged.evidencePage(1, 3), whole.slice(1, 4));
  assert.deepEqual(new Set(whole.map((entry) => entry.reason)), new Set([reasons.superseded, reasons.unknownKind]));
  // The page function is not part of the state's data: states still compare and print by their data.
  assert.ok(!Object.keys(paged).includes('evidencePage'));
  assert.deepEqual(JSON.parse(JSON.stringify(paged, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).evidence, whole);
});
