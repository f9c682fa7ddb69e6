// Property: random histories by 3-6 members, each member writing from its own partial view, delivered to
// three replicas in random orders with duplicates (one at a time, or in random batches), end in the same
// state hash and the same state everywhere, and the same as the members' own ledgers once they have synced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../ledger/record.ts';
import { DaomeshError } from '../errors.ts';
import { DaoLedger } from './dao-ledger.ts';
import type { DaoState } from './dao-state.ts';
import { qualifyingCertificate } from './finality.ts';
import type { LedgerIndex, View } from './ledger-index.ts';
import {
  buildDeviceDelegation,
  buildDeviceRevocation,
  buildGenesis,
  buildProposal,
  buildRagequit,
  buildTallySignature,
  buildVote,
  buildWithdrawal,
  type RecordContext,
} from './record-builders.ts';
import { rulePresets, type RulePresetName, type Rules } from './rules.ts';
import { actor, seededRandom, signAs, startTime, type Actor } from './test-dao.ts';
import type { Choice } from './tally.ts';
import type { ViewStates } from './view-state.ts';

const minute = 60 * 1000;
// Weighted: mostly votes and signatures, so that proposals get decided and executed.
const actions = [
  ...['propose', 'propose', 'vote', 'vote', 'vote', 'vote', 'vote', 'sign', 'sign', 'sign', 'sign', 'signOdd'],
  ...['ragequit', 'withdraw', 'advance', 'advance', 'advance', 'device', 'revoke', 'sync'],
  // Rules changes, and records written on old deps with times of their own choosing (as an offline member's, or
  // a member's who backdates): votes, signals, signatures and rage quits.
  ...['rules', 'rules', 'old', 'old', 'old', 'oldSign', 'oldQuit'],
] as const;
type Action = (typeof actions)[number];
type Step = { actor: number; syncFrom: number | null; action: Action; pick: number; pick2: number; choice: Choice; minutes: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  actor: fc.nat(),
  /** Most steps start by catching up with another member: views stay partial, but not hopelessly so. */
  syncFrom: fc.option(fc.nat(), { freq: 3 }),
  action: fc.constantFrom(...actions),
  pick: fc.nat(),
  pick2: fc.nat(),
  choice: fc.constantFrom<Choice>('yes', 'no', 'abstain'),
  minutes: fc.integer({ min: 0, max: 40 }),
});

type History = {
  founders: number;
  outsiders: number;
  preset: RulePresetName;
  grace: number;
  steps: Step[];
  seed: number;
};

const historyArbitrary: fc.Arbitrary<History> = fc.record({
  founders: fc.integer({ min: 3, max: 6 }),
  outsiders: fc.integer({ min: 1, max: 2 }),
  preset: fc.constantFrom<RulePresetName>('simpleMajority', 'supermajority', 'quadratic', 'reputationWeighted', 'lazyConsensus'),
  grace: fc.constantFrom(0, 20 * minute),
  steps: fc.array(stepArbitrary, { minLength: 40, maxLength: 120, size: 'max' }),
  seed: fc.integer(),
});

// Real keys, made once: secp256k1 member keys and Ed25519 device keys.
const pool = Array.from({ length: 8 }, (_, index) => actor(`member-${index}`));

type Writer = { who: Actor; ledger: DaoLedger; device: { secretKey: Uint8Array; publicKey: Uint8Array; delegation: string } | null };

function rulesFor(preset: RulePresetName, founders: number, grace: number): Rules {
  const rules = rulePresets[preset](founders);
  const voting = rules.voting.type === 'quadratic' ? { ...rules.voting, creditsPerEpoch: 12, epochMs: 6 * 60 * minute } : rules.voting;
  return { ...rules, voting, votingPeriodMs: 60 * minute, gracePeriodMs: grace, reputationHalfLifeMs: rules.reputationHalfLifeMs === null ? null : 3 * 60 * minute };
}

function playHistory(history: History): { records: LedgerRecord[]; writers: Writer[]; daoId: string; now: number } {
  const people = pool.slice(0, history.founders + history.outsiders).map((who) => ({ ...who, device: undefined }));
  const founders = people.slice(0, history.founders);
  let now = startTime;
  const genesis = signRecordAsMember(
    buildGenesis({
      author: founders[0]!.key.address,
      name: 'Property DAO',
      charter: '',
      founders: founders.map((founder) => founder.key.address),
      rules: rulesFor(history.preset, history.founders, history.grace),
      nonce: sha256(utf8ToBytes(`nonce ${history.seed}`)).slice(0, 16),
      time: now,
    }),
    founders[0]!.key.privateKey,
  );
  const writers: Writer[] = people.map((who) => ({ who, ledger: new DaoLedger(genesis.id), device: null }));
  for (const writer of writers) writer.ledger.add(genesis);
  const records: LedgerRecord[] = [genesis];

  /** `at`: deps and time other than the writer's heads and now. */
  const write = (writer: Writer, build: (context: RecordContext) => UnsignedRecord, memberKey = false, at?: { deps: string[]; time: number }): void => {
    const device = !memberKey && writer.device ? writer.device : null;
    const context: RecordContext = {
      dao: genesis.id,
      author: writer.who.key.address,
      deps: at?.deps ?? writer.ledger.heads(),
      time: at?.time ?? now,
      device: device ? { key: device.publicKey, delegation: device.delegation } : undefined,
    };
    const unsigned = build(context);
    const record = device
      ? signAs({ ...writer.who, device: { ...device } }, unsigned)
      : signAs({ ...writer.who, device: undefined }, { ...unsigned, device: undefined });
    records.push(record);
    writer.ledger.add(record);
  };

  for (const step of history.steps) {
    // Mostly founders act; now and then an outsider (who may have been added, or writes as a non-member).
    const writer = writers[step.actor % 5 === 0 ? step.actor % writers.length : step.actor % history.founders]!;
    if (step.syncFrom !== null) {
      const source = writers[step.syncFrom % writers.length]!;
      writer.ledger.add(records.filter((record) => source.ledger.has(record.id)));
    }
    const state = writer.ledger.state(now);
    const members = state.members.map((member) => member.address);
    const open = state.proposals.filter((proposal) => proposal.status === 'open');
    const closed = state.proposals.filter((proposal) => proposal.status === 'voting-closed');
    switch (step.action) {
      case 'sync': {
        const source = writers[step.pick % writers.length]!;
        writer.ledger.add(records.filter((record) => source.ledger.has(record.id)));
        break;
      }
      case 'advance':
        now += step.minutes * minute;
        break;
      case 'propose': {
        const kind = step.pick % 4;
        const outsiders = people.filter((person) => !members.includes(person.key.address));
        const others = members.filter((member) => member !== writer.who.key.address);
        if (kind === 1 && outsiders.length > 0) {
          const member = outsiders[step.pick2 % outsiders.length]!.key.address;
          write(writer, (context) => buildProposal(context, { kind: 'member.add', params: { member, shares: BigInt(step.pick2 % 100) }, title: 'add' }));
        } else if (kind === 2 && others.length > 0) {
          const member = others[step.pick2 % others.length]!;
          write(writer, (context) => buildProposal(context, { kind: 'member.remove', params: { member }, title: 'remove' }));
        } else if (kind === 3 && members.length > 0) {
          const member = members[step.pick2 % members.length]!;
          write(writer, (context) => buildProposal(context, { kind: 'reputation.grant', params: { member, points: BigInt(1 + (step.pick2 % 500)) }, title: 'grant' }));
        } else {
          write(writer, (context) => buildProposal(context, { kind: 'signal', params: { text: `signal ${step.pick2}` }, title: 'signal' }));
        }
        break;
      }
      case 'vote': {
        const proposal = open[step.pick % Math.max(open.length, 1)];
        if (!proposal) break;
        const votes = proposal.votingMode.type === 'quadratic' ? (step.choice === 'abstain' ? undefined : 1 + (step.pick2 % 3)) : undefined;
        write(writer, (context) => buildVote(context, { proposal: proposal.id, choice: step.choice, votes }));
        break;
      }
      case 'sign':
      case 'signOdd': {
        const proposal = closed[step.pick % Math.max(closed.length, 1)];
        if (!proposal) break;
        const proposed = writer.ledger.proposeCertificate(proposal.id, now);
        if (!proposed.ok) break;
        let certificate = proposed.certificate;
        if (step.action === 'signOdd') {
          // A competing (or plainly wrong) certificate: drop a vote, pick an outcome at random.
          const votes = certificate.votes.filter((_, index) => index !== step.pick2 % Math.max(certificate.votes.length, 1));
          certificate = { ...certificate, votes, outcome: step.pick2 % 2 === 0 ? 'passed' : 'rejected' };
        }
        write(writer, (context) => buildTallySignature(context, certificate));
        break;
      }
      case 'ragequit':
        if (step.pick % 6 === 0) write(writer, (context) => buildRagequit(context));
        break;
      case 'rules': {
        const count = Math.max(members.length, 1);
        const changes: Array<Record<string, unknown>> = [
          { signatureThreshold: 1 + (step.pick2 % count) },
          { votingPeriodMs: (30 + (step.pick2 % 60)) * minute },
          { gracePeriodMs: (step.pick2 % 3) * 10 * minute },
          { memberCap: Math.max(1, members.length + (step.pick2 % 3) - 1) },
          {
            voting: [
              { type: 'one-member-one-vote', quorumBps: 3000, thresholdBps: 5000 },
              { type: 'lazy-consensus', objectionBps: 3000 },
              { type: 'quadratic', creditsPerEpoch: 9, epochMs: 3 * 60 * minute, quorumBps: 2000, thresholdBps: 5000 },
              { type: 'reputation-weighted', quorumBps: 2000, thresholdBps: 5000 },
            ][step.pick2 % 4],
          },
          { voting: { quorumBps: (step.pick2 % 5) * 2000 } },
          { votingByKind: { signal: step.pick2 % 2 ? null : { type: 'lazy-consensus', objectionBps: 5000 } } },
          { reputationHalfLifeMs: step.pick2 % 2 ? null : 60 * minute, income: { split: 'equal' } },
        ];
        const change = changes[step.pick % changes.length]!;
        // A change the rules refuse (a cap under the members) throws in the builder: no record, as in the UI.
        attempt(() => write(writer, (context) => buildProposal(context, { kind: 'rules.change', params: { change }, title: 'rules' })));
        break;
      }
      case 'old':
      case 'oldSign':
      case 'oldQuit': {
        const held = records.filter((record) => writer.ledger.has(record.id));
        const [a, b] = [held[step.pick % held.length]!, held[step.pick2 % held.length]!];
        const deps = [...new Set([a.id, b.id])];
        const base = Math.max(a.record.time, b.record.time);
        const at = { deps, time: base + (step.minutes % 4) * 7 * minute };
        const proposals = state.proposals;
        if (step.action === 'oldQuit') {
          write(writer, (context) => buildRagequit(context), false, at);
        } else if (step.action === 'oldSign') {
          const proposal = proposals[step.pick2 % Math.max(proposals.length, 1)];
          const proposed = proposal ? writer.ledger.proposeCertificate(proposal.id, Math.max(now, proposal.votingEndsAt)) : null;
          if (proposal && proposed?.ok) {
            const signedAt = { deps: [...new Set([...deps, ...writer.ledger.heads().slice(0, 1 + (step.pick % 3))])], time: Math.max(base, proposal.votingEndsAt) };
            write(writer, (context) => buildTallySignature(context, proposed.certificate), false, signedAt);
          }
        } else if (step.pick % 3 === 0) {
          write(writer, (context) => buildProposal(context, { kind: 'signal', params: { text: `old ${step.pick2}` }, title: 'old signal' }), false, at);
        } else {
          const proposal = proposals[step.pick % Math.max(proposals.length, 1)];
          const votes = proposal?.votingMode.type === 'quadratic' && step.choice !== 'abstain' ? 1 + (step.pick2 % 3) : undefined;
          if (proposal) write(writer, (context) => buildVote(context, { proposal: proposal.id, choice: step.choice, votes }), false, at);
        }
        break;
      }
      case 'withdraw': {
        const own = open.filter((proposal) => proposal.author === writer.who.key.address);
        const proposal = own[step.pick % Math.max(own.length, 1)];
        if (proposal) write(writer, (context) => buildWithdrawal(context, proposal.id));
        break;
      }
      case 'device': {
        const keys = ed25519.keygen(sha256(utf8ToBytes(`device ${writer.who.name} ${records.length}`)));
        write(writer, (context) => buildDeviceDelegation(context, keys.publicKey), true);
        writer.device = { ...keys, delegation: records.at(-1)!.id };
        break;
      }
      case 'revoke':
        if (writer.device && step.pick % 2 === 0) {
          const device = writer.device.publicKey;
          write(writer, (context) => buildDeviceRevocation(context, device), true);
          writer.device = null;
        }
        break;
    }
  }
  // Then everyone catches up and does their duty: sign what an honest member signs, anchor certificates whose
  // signatures were made concurrently, and let time run past the grace periods.
  const syncAll = (writer: Writer) => writer.ledger.add(records);
  now += 2 * 60 * minute;
  for (const writer of writers) {
    syncAll(writer);
    for (const proposal of writer.ledger.state(now).proposals.filter((candidate) => candidate.status === 'voting-closed')) {
      if (proposal.signatures.some((signature) => signature.signers.includes(writer.who.key.address))) continue;
      const proposed = writer.ledger.proposeCertificate(proposal.id, now);
      if (proposed.ok) write(writer, (context) => buildTallySignature(context, proposed.certificate));
    }
  }
  const anchor = writers[0]!;
  syncAll(anchor);
  for (const certificate of anchor.ledger.certificatesToAnchor()) {
    const signed = anchor.ledger.state(now).proposals.find((proposal) => proposal.id === certificate.proposal)!.signatures;
    const signer = signed.find((entry) => entry.votes.join() === certificate.votes.join() && entry.outcome === certificate.outcome)!.signers[0]!;
    const writer = writers.find((candidate) => candidate.who.key.address === signer)!;
    syncAll(writer);
    write(writer, (context) => buildTallySignature(context, certificate));
  }
  now += 2 * 60 * minute;
  syncAll(anchor);
  write(anchor, (context) => buildProposal(context, { kind: 'signal', params: { text: 'time passes' }, title: 'later' }));
  return { records, writers, daoId: genesis.id, now };
}

/**
 * Histories that once made replicas disagree, by the seed and path of the fast-check run that found them: each
 * property replays its own on every run. (They name histories of historyArbitrary as it is: a change to it
 * makes them other histories, still worth checking, but no longer those.)
 */
const found = {
  convergence: [{ seed: -289569234, path: '21' }], // a rage quit's finalization mark, lost when another outranked it
  finality: [{ seed: -1118655290, path: '13' }], // settle() read a rage quit's own view from a stale cache
};

function replayFound<T>(property: fc.IProperty<T>, which: keyof typeof found): void {
  for (const { seed, path } of found[which]) fc.assert(property, { seed, path, endOnFailure: true });
}

function deliver(daoId: string, records: readonly LedgerRecord[], seed: number): DaoLedger {
  const next = seededRandom(seed);
  const stream = [...records, ...records.filter(() => next() < 0.3)];
  for (let i = stream.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [stream[i], stream[j]] = [stream[j]!, stream[i]!];
  }
  const ledger = new DaoLedger(daoId);
  let position = 0;
  while (position < stream.length) {
    const size = next() < 0.5 ? 1 : 1 + Math.floor(next() * 8);
    ledger.add(stream.slice(position, position + size));
    position += size;
  }
  return ledger;
}

function comparable(state: DaoState): unknown {
  return JSON.parse(JSON.stringify(state, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)));
}

test('random histories delivered to replicas in any order, with duplicates, converge to one state', () => {
  let histories = 0;
  let records = 0;
  let decided = 0;
  let executed = 0;
  const property = fc.property(historyArbitrary, (history) => {
    const played = playHistory(history);
    const now = played.now + 10 * 60 * minute;
    const replicas = [1, 2, 3].map((offset) => deliver(played.daoId, played.records, history.seed + offset));
    const batch = new DaoLedger(played.daoId);
    batch.add(played.records);
    const expected = batch.state(now);
    for (const replica of replicas) {
      assert.equal(replica.missing().length, 0);
      assert.equal(replica.stateHash(), batch.stateHash());
      assert.deepEqual(comparable(replica.state(now)), comparable(expected));
    }
    // The cheap governance state agrees with the derived one.
    assert.deepEqual([...batch.governanceState().members.keys()].sort(), expected.members.map((member) => member.address));
    assert.deepEqual(batch.everMembers(), [...new Set([...expected.founders, ...expected.members.map((member) => member.address), ...expected.exits.map((exit) => exit.member)])].sort());
    // Members who wrote incrementally from partial views agree too once they hold everything.
    for (const writer of played.writers.slice(0, 2)) {
      writer.ledger.add(played.records);
      assert.equal(writer.ledger.stateHash(), batch.stateHash());
    }
    histories++;
    records += played.records.length;
    decided += expected.proposals.filter((proposal) => proposal.certificate !== null).length;
    executed += expected.proposals.filter((proposal) => proposal.status === 'executed' && proposal.kind !== 'signal').length;
  });
  fc.assert(property, { numRuns: 100 });
  replayFound(property, 'convergence');
  // The histories must actually exercise decisions, not just pile up open proposals.
  assert.ok(decided > histories / 2, `only ${decided} decided proposals in ${histories} histories (${records} records)`);
  assert.ok(executed > histories / 10, `only ${executed} executed proposals with an effect in ${histories} histories`);
});

test('a fold exported at any point of a random delivery and imported ends where the fold that never stopped does', () => {
  fc.assert(
    fc.property(historyArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), (history, cutAt) => {
      const played = playHistory(history);
      const now = played.now + 10 * 60 * minute;
      const next = seededRandom(history.seed + 7);
      const stream = [...played.records].sort(() => next() - 0.5);
      const cut = Math.floor(cutAt * stream.length);
      const straight = new DaoLedger(played.daoId);
      straight.add(stream.slice(0, cut));
      const bytes = straight.exportFold();
      // What a host does on open: take the fold back, then offer it again whatever the doc holds.
      const imported = DaoLedger.importFold(played.daoId, bytes);
      imported.add(stream.slice(0, cut));
      assert.equal(imported.stateHash(), straight.stateHash());
      assert.deepEqual(comparable(imported.state(now)), comparable(straight.state(now)));
      assert.deepEqual(imported.missing(), straight.missing());
      for (const ledger of [straight, imported]) ledger.add(stream.slice(cut));
      assert.equal(imported.stateHash(), straight.stateHash());
      assert.deepEqual(comparable(imported.state(now)), comparable(straight.state(now)));
      assert.deepEqual(imported.canonicalOrder(), straight.canonicalOrder());
      assert.deepEqual(imported.exportFold(), straight.exportFold());
      // Both kept their proposals' facts between states (the import took them from the snapshot): a fold that
      // worked every state out once, from all the records, agrees.
      const fresh = new DaoLedger(played.daoId);
      fresh.add(stream);
      assert.equal(fresh.stateHash(), imported.stateHash());
      assert.deepEqual(comparable(fresh.state(now)), comparable(imported.state(now)));
    }),
    { numRuns: 40 },
  );
});

/**
 * The fold's internals, for checking finality by brute force: settle (finality.ts) skips most records and most
 * proposals with shortcuts, and every replica would agree on a shortcut's mistake, so agreement alone cannot
 * catch one. TypeScript's `private` is not enforced at run time.
 */
function internals(ledger: DaoLedger): { index: LedgerIndex; views: ViewStates } {
  return ledger as unknown as { index: LedgerIndex; views: ViewStates };
}

test('a proposal is finalized exactly at the records whose own view first holds a qualifying certificate (brute force over every record)', () => {
  let finalizations = 0;
  const property = fc.property(historyArbitrary, (history) => {
    const played = playHistory(history);
    const { index, views } = internals(deliver(played.daoId, played.records, history.seed + 11));
    const proposals = [...index.proposals.values()];
    // Qualification as settle judges it: the record's view before its own finalizations are in (a member.add
    // with no grace period that it finalizes would otherwise already count in its view), with nothing cached.
    const uncached = { stateIn: (view: View) => views.replay(views.eventsIn(view)) } as ViewStates;
    for (let at = 0; at < index.size; at++) {
      const view = index.viewOf(at);
      const held = proposals.map((proposal) => [...proposal.finalizations]);
      const own = held.map((list) => list.filter((finalization) => finalization.at === at));
      for (const proposal of proposals) removeWhere(proposal.finalizations, (finalization) => finalization.at === at);
      const expected = proposals.map((proposal) => {
        if (!index.inView(proposal.index, view) || index.isFinalIn(proposal, view)) return [];
        const certificate = qualifyingCertificate(index, uncached, proposal, view);
        return certificate ? [{ at, certificate: certificate.key, outcome: certificate.outcome, time: index.node(at).time }] : [];
      });
      proposals.forEach((proposal, position) => proposal.finalizations.splice(0, Infinity, ...held[position]!));
      assert.deepEqual(own, expected, `finalizations at record ${at}`);
      finalizations += own.flat().length;
    }
  });
  fc.assert(property, { numRuns: 30 });
  replayFound(property, 'finality');
  assert.ok(finalizations > 30, `only ${finalizations} finalizations to check`);
});

function removeWhere<T>(list: T[], remove: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (remove(list[i]!)) list.splice(i, 1);
}

test('revocations: revokedBefore and missesRevocation answer as a scan of every revocation would, and views list them only as what finalized something', () => {
  let revocations = 0;
  fc.assert(
    fc.property(historyArbitrary, (history) => {
      const played = playHistory(history);
      const { index } = internals(deliver(played.daoId, played.records, history.seed + 13));
      const all = [...index.revocations.values()].flat();
      revocations += all.length;
      for (let at = 0; at < index.size; at++) {
        for (const [key, list] of index.revocations) {
          for (const delegation of index.delegations.get(key) ?? []) {
            const scanned = list.some((revocation) => revocation !== at && index.causal.inPast(revocation, at) && index.causal.inPast(delegation, revocation));
            assert.equal(index.revokedBefore(key, delegation, at), scanned, `${key} delegated at ${delegation}, revoked before ${at}`);
          }
        }
        assert.equal(index.missesRevocation(at), all.some((revocation) => !index.causal.inPast(revocation, at)), `revocations missed by ${at}`);
        // A revocation is listed only when it finalized something, as any record may.
        assert.ok(index.unseenChanges(at).every((record) => index.finalizedAt.has(record) || index.node(record).kind === 'member.ragequit'));
      }
    }),
    { numRuns: 200 }, // revocations are a few of the actions
  );
  assert.ok(revocations > 15, `only ${revocations} revocations to check`);
});

/** Runs a write that the record builder may refuse (it checks a rules change as the UI's form does). */
function attempt(write: () => void): void {
  try {
    write();
  } catch (error) {
    if (!(error instanceof DaomeshError)) throw error;
  }
}
