// A fold taken back from its snapshot is the fold it was: same state, hash, order and answers, also after
// more records; bytes that are damaged, of another version or of another DAO are refused, never trusted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { DaomeshError } from '../errors.ts';
import { addressBytes, canonicalDeps, recordHashFromId, type LedgerRecord } from '../ledger/record.ts';
import { DaoLedger } from './dao-ledger.ts';
import type { DaoState } from './dao-state.ts';
import { foldRulesVersion, foldSnapshotFormat } from './fold-snapshot.ts';
import type { LedgerIndex, LedgerNode } from './ledger-index.ts';
import { defineProposalKind, proposalKinds } from './proposal-kinds.ts';
import { buildDeviceRevocation, buildProposal } from './record-builders.ts';
import { quadratic, simpleMajority } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';
import { z } from 'zod';

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(actor) as [Actor, Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

/** Decisions, executions, device keys, a revocation, a changed vote, an equivocation, a rage quit, evidence. */
function history(): Scenario {
  const scenario = new Scenario([alice, bob, carol], rules);
  scenario.delegateDevice(alice);
  scenario.delegateDevice(bob);
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 10n }, title: 'Thanks' }, { asDevice: true });
  const add = scenario.propose(bob, { kind: 'member.add', params: { member: dave.key.address, shares: 50n }, title: 'Dave' }, { asDevice: true });
  scenario.vote(alice, grant, 'yes', { asDevice: true });
  scenario.vote(bob, grant, 'no', { asDevice: true });
  scenario.vote(bob, grant, 'yes', { asDevice: true });
  scenario.vote(carol, grant, 'no');
  for (const who of [alice, bob, carol]) scenario.vote(who, add, 'yes');
  scenario.vote(dave, add, 'yes'); // not a member: evidence
  scenario.advance(day + 1);
  scenario.sign(alice, grant);
  scenario.sign(bob, grant);
  scenario.sign(alice, add);
  scenario.sign(carol, add);
  scenario.advance(2 * hour);
  scenario.propose(carol, { kind: 'signal', params: { text: 'later' }, title: 'Open' });
  scenario.write(alice, (context) => ({
    dao: recordHashFromId(context.dao),
    kind: 'bounty.post',
    body: { reward: 5 },
    author: addressBytes(context.author),
    deps: canonicalDeps(context.deps.map(recordHashFromId)),
    time: context.time,
  }));
  scenario.ragequit(carol);
  return scenario;
}

function comparable(state: DaoState): unknown {
  return JSON.parse(JSON.stringify(state, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));
}

function assertSameFold(actual: DaoLedger, expected: DaoLedger, now: number): void {
  assert.equal(actual.size, expected.size);
  assert.equal(actual.stateHash(), expected.stateHash());
  assert.deepEqual(comparable(actual.state(now)), comparable(expected.state(now)));
  assert.deepEqual(actual.canonicalOrder(), expected.canonicalOrder());
  assert.deepEqual(actual.heads(), expected.heads());
  assert.deepEqual(actual.everMembers(), expected.everMembers());
  assert.deepEqual(actual.missing(), expected.missing());
  assert.deepEqual(actual.certificatesToAnchor(), expected.certificatesToAnchor());
  assert.deepEqual(
    [...actual.governanceState().members.keys()].sort(),
    [...expected.governanceState().members.keys()].sort(),
  );
  for (const proposal of expected.state(now).proposals) {
    assert.deepEqual(actual.proposeCertificate(proposal.id, now), expected.proposeCertificate(proposal.id, now));
  }
}

test('an imported fold gives the same state, hash, order and answers as the fold it was exported from', () => {
  const scenario = history();
  const imported = DaoLedger.importFold(scenario.daoId, scenario.ledger.exportFold());
  assertSameFold(imported, scenario.ledger, scenario.now);
  assert.ok(scenario.state().proposals.some((proposal) => proposal.status === 'executed'));
  assert.ok(scenario.state().evidence.length > 0);
  // Exporting the import gives the same bytes: nothing was lost or changed on the way.
  assert.deepEqual(imported.exportFold(), scenario.ledger.exportFold());
});

/** The fold's index, which tests read beside the ledger's public answers. */
function indexOf(ledger: DaoLedger): LedgerIndex {
  return (ledger as unknown as { index: LedgerIndex }).index;
}

/** What a node says, with its proposal by id (the objects differ between two folds). */
function nodeFacts(node: LedgerNode): unknown {
  const verdict = node.verdict;
  const data = verdict.ok ? verdict.data : null;
  return {
    ...node,
    verdict: verdict.ok ? data!.kind : verdict.reason,
    vote: data?.kind === 'vote' ? { ...data.vote, proposal: data.vote.proposal.id } : null,
  };
}

test('votes come back from a snapshot without their nodes, which are made as they were when asked for', () => {
  const scenario = history();
  const original = indexOf(scenario.ledger);
  const imported = indexOf(DaoLedger.importFold(scenario.daoId, scenario.ledger.exportFold()));
  assert.equal(imported.size, original.size);
  let votes = 0;
  for (let at = 0; at < original.size; at++) {
    // Asked first of the unmade node (from the snapshot's columns), then again once node() has made it.
    for (const when of ['unmade', 'made']) {
      const what = `record ${at}, ${when}`;
      assert.equal(imported.idOf(at), original.idOf(at), what);
      assert.equal(imported.kindOf(at), original.kindOf(at), what);
      assert.equal(imported.authorOf(at), original.authorOf(at), what);
      assert.equal(imported.timeOf(at), original.timeOf(at), what);
      assert.equal(imported.validKind(at), original.validKind(at), what);
      assert.equal(imported.proposalOf(at)?.id, original.proposalOf(at)?.id, what);
      if (when === 'unmade') assert.deepEqual(nodeFacts(imported.nodeToRead(at)), nodeFacts(original.node(at)), what);
      else assert.deepEqual(nodeFacts(imported.node(at)), nodeFacts(original.node(at)), what);
    }
    if (original.validKind(at) === 'vote') {
      votes++;
      // Made once: the proposal's lists and the node agree, and asking again gives the same object.
      assert.equal(imported.node(at), imported.node(at));
      assert.equal(imported.voteInfo(at).proposal, imported.proposalOf(at));
    }
  }
  assert.equal(votes, 7, "the history's valid votes");
  assert.equal(imported.validKind(-1), null);
  assert.equal(imported.validKind(imported.size), null);
  assert.equal(imported.proposalOf(imported.size), null);
});

test('records added on top of an imported fold give the same state as on the original', () => {
  const scenario = history();
  const imported = DaoLedger.importFold(scenario.daoId, scenario.ledger.exportFold());
  const open = scenario.state().proposals.find((proposal) => proposal.status === 'open')!.id;
  const before = scenario.records.length;
  // Written on the original; one of them by bob from an old view (concurrent with the rage quit).
  scenario.vote(alice, open, 'yes', { asDevice: true });
  scenario.vote(bob, open, 'no', { deps: [scenario.records[5]!.id] });
  scenario.advance(day + 1);
  scenario.sign(alice, open);
  scenario.sign(bob, open);
  scenario.write(alice, (context) => buildDeviceRevocation(context, alice.device!.publicKey));
  scenario.advance(2 * hour);
  scenario.propose(alice, { kind: 'signal', params: { text: 'after' }, title: 'After' });
  imported.add(scenario.records.slice(before));
  assertSameFold(imported, scenario.ledger, scenario.now);
  assertSameFold(DaoLedger.importFold(scenario.daoId, imported.exportFold()), scenario.ledger, scenario.now);
});

test('records the fold was waiting for are not in the snapshot; adding them again completes the import', () => {
  const scenario = history();
  const records = scenario.records;
  const partial = new DaoLedger(scenario.daoId);
  // Everything but one record in the middle: what came after it waits.
  const held = records[6]!;
  partial.add(records.filter((record) => record !== held));
  assert.ok(partial.pendingIds().length > 0);
  const imported = DaoLedger.importFold(scenario.daoId, partial.exportFold());
  assert.equal(imported.size, partial.size);
  assert.deepEqual(imported.pendingIds(), []);
  imported.add(records.filter((record) => partial.pendingIds().includes(record.id)));
  assertSameFold(imported, partial, scenario.now);
  imported.add(held);
  partial.add(held);
  assertSameFold(imported, partial, scenario.now);
  assertSameFold(imported, scenario.ledger, scenario.now);
});

test('a fold of quadratic votes and an empty fold come back too', () => {
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), votingPeriodMs: day, gracePeriodMs: 0 });
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: 'q' }, title: 'Q' });
  scenario.vote(alice, proposal, 'yes', { votes: 3 });
  scenario.vote(bob, proposal, 'no', { votes: 11 }); // overspends: evidence
  scenario.advance(day + 1);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  assertSameFold(DaoLedger.importFold(scenario.daoId, scenario.ledger.exportFold()), scenario.ledger, scenario.now);

  const empty = new DaoLedger(scenario.daoId);
  const back = DaoLedger.importFold(scenario.daoId, empty.exportFold());
  assert.equal(back.size, 0);
  assert.equal(back.stateHash(), empty.stateHash());
  back.add(scenario.records);
  assert.equal(back.stateHash(), scenario.ledger.stateHash());
});

function assertRefused(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof DaomeshError && error.code === 'INTERNAL' && pattern.test(error.message));
}

test('a fold of another format, rules version, DAO or set of proposal kinds is refused', () => {
  const scenario = history();
  const bytes = scenario.ledger.exportFold();
  const wire = dagCbor.decode(bytes) as Record<string, unknown>;
  const with_ = (change: Record<string, unknown>) => dagCbor.encode({ ...wire, ...change });
  assertRefused(() => DaoLedger.importFold(scenario.daoId, with_({ v: foldSnapshotFormat + 1 })), /format/);
  assertRefused(() => DaoLedger.importFold(scenario.daoId, with_({ rules: foldRulesVersion + 1 })), /rules version/);
  assertRefused(() => DaoLedger.importFold(new Scenario([bob, carol, dave], rules).daoId, bytes), /another DAO/);
  const extra = defineProposalKind({ kind: 'extra', params: z.strictObject({}), encode: () => ({}), check: () => null, execute: (state) => ({ state }) });
  assertRefused(() => DaoLedger.importFold(scenario.daoId, bytes, { kinds: proposalKinds([extra]) }), /proposal kinds/);
});

test('damaged fold bytes are refused with a reason, or (where the damage is only in values) still import; nothing else is thrown', () => {
  const scenario = history();
  const bytes = scenario.ledger.exportFold();
  assertRefused(() => DaoLedger.importFold(scenario.daoId, bytes.subarray(0, bytes.length - 7)), /decode/);
  assertRefused(() => DaoLedger.importFold(scenario.daoId, new Uint8Array(64)), /./);
  const wire = dagCbor.decode(bytes) as Record<string, Uint8Array | unknown>;
  const cut = (field: string) => dagCbor.encode({ ...wire, [field]: (wire[field] as Uint8Array).subarray(4) });
  for (const field of ['hash', 'author', 'height', 'time', 'verdict', 'ref', 'chain', 'vectors', 'order', 'listed']) {
    assertRefused(() => DaoLedger.importFold(scenario.daoId, cut(field)), /./);
  }
  // One record's hash in another's place: the same record twice.
  const hashes = (wire.hash as Uint8Array).slice();
  hashes.copyWithin(64, 32, 64);
  assertRefused(() => DaoLedger.importFold(scenario.daoId, dagCbor.encode({ ...wire, hash: hashes })), /there twice/);
  // Every single-byte change: refused as INTERNAL, or imported; never a TypeError or a RangeError out of it.
  let refused = 0;
  for (let at = 0; at < bytes.length; at += 7) {
    const damaged = bytes.slice();
    damaged[at] = damaged[at]! ^ 0x5a;
    try {
      DaoLedger.importFold(scenario.daoId, damaged);
    } catch (error) {
      assert.ok(error instanceof DaomeshError && error.code === 'INTERNAL', `byte ${at}: ${String(error)}`);
      refused++;
    }
  }
  assert.ok(refused > 0);
});

/**
 * Alice's node writes 300 votes none of which saw the others (from many clients), so the causal index keeps
 * vectors past 256 chains as persistent ones; Bob writes on top 32 heads at a time until one is left, Carol
 * after him.
 */
function wideHistory(): Scenario {
  const scenario = new Scenario([alice, bob, carol], rules);
  scenario.delegateDevice(alice);
  const proposal = scenario.propose(bob, { kind: 'signal', params: { text: 'wide' }, title: 'Wide' });
  const old = scenario.ledger.heads();
  for (let i = 0; i < 300; i++) scenario.advance(1).vote(alice, proposal, i % 2 === 0 ? 'yes' : 'no', { deps: old, asDevice: true });
  while (scenario.ledger.heads().length > 1) scenario.advance(1).vote(bob, proposal, 'yes', { deps: scenario.ledger.heads().slice(-32) });
  for (let i = 0; i < 5; i++) scenario.advance(1).vote(carol, proposal, i % 2 === 0 ? 'yes' : 'no');
  return scenario;
}

test('a fold whose causal vectors grew past 256 chains is written as changes and comes back the same', () => {
  const scenario = wideHistory();
  const bytes = scenario.ledger.exportFold();
  const wire = dagCbor.decode(bytes) as Record<string, unknown>;
  assert.ok(wire.base instanceof Uint8Array, 'the vectors are written as changes');
  // Each vector past 256 chains is written as the few entries it changed: a vote its own chain's, Bob's merges
  // the heads they list and their own.
  const bases = new Int32Array((wire.base as Uint8Array).slice().buffer);
  const widths = new Int32Array((wire.width as Uint8Array).slice().buffer);
  const vectors = new Int32Array((wire.vectors as Uint8Array).slice().buffer);
  let wide = 0;
  for (let record = 0, offset = 0; record < bases.length; record++) {
    if (bases[record] === -1) {
      offset += widths[record]!;
      continue;
    }
    wide++;
    assert.ok(widths[record]! > 256 && vectors[offset]! <= 33, `record ${record}: ${vectors[offset]} changes`);
    offset += 1 + 2 * vectors[offset]!;
  }
  assert.ok(wide >= 50, `${wide} vectors written as changes`);
  const imported = DaoLedger.importFold(scenario.daoId, bytes);
  assertSameFold(imported, scenario.ledger, scenario.now);
  assert.deepEqual(imported.exportFold(), bytes);
  // Records on top of the imported fold land as on the original.
  const more = wideHistoryMore(scenario);
  for (const record of more) imported.add(record);
  assertSameFold(imported, scenario.ledger, scenario.now);
});

/** Two more records on top of `scenario`'s, written into its ledger; returned to add elsewhere. */
function wideHistoryMore(scenario: Scenario): LedgerRecord[] {
  const proposal = scenario.write(carol, (context) => buildProposal(context, { kind: 'signal', params: { text: 'more' }, title: 'More' }));
  return [proposal, scenario.advance(1).vote(alice, proposal.id, 'yes', { asDevice: true })];
}

test('format 1 and 2 snapshots (no proposal facts; format 1 every vector in full) are still read; facts or bases they cannot hold are refused', () => {
  const scenario = history();
  const { facts, ...wire } = dagCbor.decode(scenario.ledger.exportFold()) as Record<string, unknown>;
  assert.equal(wire.base, undefined);
  assert.ok(facts !== undefined);
  for (const v of [1, 2]) {
    assertSameFold(DaoLedger.importFold(scenario.daoId, dagCbor.encode({ ...wire, v })), scenario.ledger, scenario.now);
    assertRefused(() => DaoLedger.importFold(scenario.daoId, dagCbor.encode({ ...wire, facts, v })), /has no proposal facts/);
  }
  const wide = wideHistory();
  const { facts: _wideFacts, ...wideWire } = dagCbor.decode(wide.ledger.exportFold()) as Record<string, unknown>;
  assertRefused(() => DaoLedger.importFold(wide.daoId, dagCbor.encode({ ...wideWire, v: 1 })), /format 1 has no vector bases/);
});

test('damaged vector bases and changes are refused with a reason or still import; nothing else is thrown', () => {
  const scenario = wideHistory();
  const wire = dagCbor.decode(scenario.ledger.exportFold()) as Record<string, Uint8Array | unknown>;
  let refused = 0;
  // The vector bases, the widths, and the last 4 KiB of the vectors (where the changes are; the damage test
  // above covers vectors in full).
  for (const field of ['base', 'vectors', 'width']) {
    const column = wire[field] as Uint8Array;
    for (let at = field === 'vectors' ? column.length - 4096 : 0; at < column.length; at += 5) {
      const damaged = column.slice();
      damaged[at] = damaged[at]! ^ 0x5a;
      try {
        DaoLedger.importFold(scenario.daoId, dagCbor.encode({ ...wire, [field]: damaged }));
      } catch (error) {
        assert.ok(error instanceof DaomeshError && error.code === 'INTERNAL', `${field} byte ${at}: ${String(error)}`);
        refused++;
      }
    }
  }
  assert.ok(refused > 0);
});

/** A copy of an int32 column of the proposal facts, to change and put back. */
function factsColumn(wire: Record<string, unknown>, name: string): Int32Array {
  return new Int32Array(((wire.facts as Record<string, Uint8Array>)[name]!).slice().buffer);
}

function withFacts(wire: Record<string, unknown>, change: Record<string, unknown>): Uint8Array {
  const facts = wire.facts as Record<string, unknown>;
  const bytes = (values: unknown) => (values instanceof Int32Array ? new Uint8Array(values.buffer) : values);
  return dagCbor.encode({ ...wire, facts: { ...facts, ...Object.fromEntries(Object.entries(change).map(([key, value]) => [key, bytes(value)])) } });
}

test('the first state after an import is built from the proposals\' facts in the snapshot, and a record that touches a proposal works its facts out again', () => {
  const scenario = history();
  const wire = dagCbor.decode(scenario.ledger.exportFold()) as Record<string, unknown>;
  const open = scenario.state().proposals.find((proposal) => proposal.status === 'open')!;
  // The facts say the open proposal was withdrawn: the snapshot's checksum guards them, so they are believed.
  const proposalColumn = factsColumn(wire, 'proposal');
  const place = proposalColumn.indexOf(scenario.records.findIndex((record) => record.id === open.id));
  assert.ok(place >= 0);
  const statuses = ((wire.facts as Record<string, Uint8Array>).status as Uint8Array).slice();
  statuses[place] = 5; // withdrawn
  const believed = DaoLedger.importFold(scenario.daoId, withFacts(wire, { status: statuses }));
  assert.equal(believed.state(scenario.now).proposals.find((proposal) => proposal.id === open.id)!.status, 'withdrawn');
  // A vote on it changes its key: its facts are worked out from the records, as on the original.
  const vote = scenario.vote(alice, open.id, 'yes', { asDevice: true });
  believed.add(vote);
  assertSameFold(believed, scenario.ledger, scenario.now);
});

test('proposal facts that do not fit their fold are refused with a reason', () => {
  const scenario = history();
  const wire = dagCbor.decode(scenario.ledger.exportFold()) as Record<string, unknown>;
  const records = scenario.records;
  const kindOf = (kind: string) => records.findIndex((record) => record.record.kind === kind);
  const firstVote = kindOf('vote');
  const firstSignature = kindOf('tally.sign');
  const proposals = factsColumn(wire, 'proposal');
  // A proposal that is a vote; a proposal twice.
  const onVote = proposals.slice();
  onVote[0] = firstVote;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { proposal: onVote })), /facts refer to no proposal record/);
  const twice = proposals.slice();
  twice[1] = twice[0]!;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { proposal: twice })), /facts refer to no proposal record/);
  // A counted vote that is a signature; a certificate named by a vote; evidence of the wrong record.
  const counted = factsColumn(wire, 'countedList');
  assert.ok(counted.length > 0);
  counted[0] = firstSignature;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { countedList: counted })), /count a record that is not one of its votes/);
  const firsts = factsColumn(wire, 'firstList');
  assert.ok(firsts.length > 0);
  firsts[0] = firstVote;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { firstList: firsts })), /not one of its signatures/);
  const evidence = factsColumn(wire, 'evidenceList');
  assert.ok(evidence.length > 0);
  evidence[0] = 0; // the genesis
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { evidenceList: evidence })), /evidence that is not one of its records/);
  // Names outside the string table, columns cut short, hashes of the wrong length, an unknown status.
  const reasonsColumn = factsColumn(wire, 'reasonList');
  reasonsColumn[0] = 10_000;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { reasonList: reasonsColumn })), /names no string/);
  for (const name of ['key', 'counted', 'signers', 'evidence', 'reasonList']) {
    assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { [name]: factsColumn(wire, name).subarray(1).slice() })), /./);
  }
  const facts = wire.facts as Record<string, Uint8Array>;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { hash: facts.hash!.subarray(32) })), /hashes do not fit/);
  const statuses = facts.status!.slice();
  statuses[0] = 77;
  assertRefused(() => DaoLedger.importFold(scenario.daoId, withFacts(wire, { status: statuses })), /unknown status/);
  assertRefused(() => DaoLedger.importFold(scenario.daoId, dagCbor.encode({ ...wire, facts: 'none' })), /not columns/);
});
