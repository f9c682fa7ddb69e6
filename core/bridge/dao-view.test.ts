// The bridge's view of a DAO: what the host answers dao.get with and what the UI derives from its own replica.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { appendRecords, createDaoDoc, ledgerRecords } from '../dao/dao-doc.ts';
import { DaoLedger } from '../governance/dao-ledger.ts';
import { reasons } from '../governance/reasons.ts';
import { lazyConsensus, quadratic, rulePresets, simpleMajority, supermajority, type Rules, type VotingMode } from '../governance/rules.ts';
import { actor, day, hour, Scenario, type Actor } from '../governance/test-dao.ts';
import { ballotCost, mostVotesFor } from '../governance/voice-credits.ts';
import { bridgeMethods, DaoRulesView, DaoSummary, DaoView, maxStateVectorChars, TallyView } from './api.ts';
import { awaitsSignature, daoSummary, daoView, rulesFromView, rulesView, votingByKindFromView, votingModeFromView, votingModeView } from './dao-view.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
const timing = { votingPeriodMs: day, gracePeriodMs: hour };
const lazy: VotingMode = { type: 'lazy-consensus', objectionBps: 2500 };

function close(scenario: Scenario, proposal: string): void {
  scenario.advance(day + 1);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
}

test('every preset\'s rules read back unchanged through the view, and the view passes the bridge schema', () => {
  for (const [name, preset] of Object.entries(rulePresets)) {
    const rules = { ...preset(3), votingByKind: { 'member.remove': supermajority(3).voting } };
    const view = rulesView(rules);
    assert.ok(DaoRulesView.safeParse(view).success, name);
    assert.deepEqual(rulesFromView(rules, {}), rules, name);
    assert.deepEqual(votingModeFromView(votingModeView(rules.voting)), rules.voting, name);
  }
});

test('a rules change in the bridge\'s terms changes only what it names; votingByKind replaces the whole map', () => {
  const rules: Rules = { ...simpleMajority(3), votingByKind: { 'member.remove': supermajority(3).voting } };
  const lazier = rulesFromView(rules, { votingMode: 'lazy', objectionBps: 1000 });
  assert.deepEqual(lazier.voting, { type: 'lazy-consensus', objectionBps: 1000 });
  assert.deepEqual(lazier.votingByKind, rules.votingByKind, 'overrides not named stay');
  assert.equal(lazier.votingPeriodMs, rules.votingPeriodMs);

  const changed = rulesFromView(rules, { votingByKind: { signal: votingModeView(lazy) } });
  assert.deepEqual(changed.votingByKind, { signal: lazy }, 'member.remove left out: back to the DAO\'s mode');
  assert.deepEqual(changed.voting, rules.voting);

  // Quadratic named without its numbers gets the preset's, never a zero budget.
  assert.deepEqual(rulesFromView(rules, { votingMode: 'quadratic' }).voting, { ...quadratic(3).voting, quorumBps: 5000, thresholdBps: 5000 });
});

test('overrides of kinds the bridge cannot name are left out of the view and kept by a change', () => {
  const bountyMode: VotingMode = { type: 'one-member-one-vote', quorumBps: 1000, thresholdBps: 5000 };
  const rules: Rules = { ...simpleMajority(3), votingByKind: { 'bounty.accept': bountyMode, signal: lazy } };
  assert.deepEqual(Object.keys(rulesView(rules).votingByKind), ['signal']);
  assert.deepEqual(votingByKindFromView({}, rules.votingByKind), { 'bounty.accept': bountyMode });
  assert.deepEqual(rulesFromView(rules, { votingByKind: {} }).votingByKind, { 'bounty.accept': bountyMode });
});

test('the view of a DAO: proposals newest first, my vote, the tally, signatures, and who may rage quit', () => {
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), ...timing });
  const first = scenario.propose(alice, { kind: 'signal', params: { text: 'Plant beans' }, title: 'Beans' });
  const second = scenario.propose(bob, { kind: 'member.add', params: { member: actor('dave').key.address, shares: 10n }, title: 'Dave' });
  scenario.vote(alice, first, 'yes');
  scenario.vote(bob, first, 'yes');
  scenario.vote(carol, first, 'no');
  close(scenario, first);

  const view = daoView(scenario.state(), carol.key.address, scenario.now);
  assert.ok(DaoView.safeParse(view).success);
  assert.deepEqual(view.proposals.map((proposal) => proposal.id), [second, first]);
  const beans = view.proposals[1]!;
  assert.equal(beans.status, 'passed');
  assert.deepEqual(beans.tally, { yes: 2, no: 1, abstain: 0, voters: 3, quorumMet: true, outcome: 'passed', reason: 'passed', objections: null });
  assert.deepEqual(beans.myVote, { choice: 'no', votes: 1 });
  assert.deepEqual(beans.certificate, { signatures: 2, needed: 2, final: true, signedByMe: false });
  assert.equal(beans.canRageQuit, true, 'carol voted no and the grace period is running');
  assert.equal(beans.summary, 'Plant beans');
  assert.deepEqual(view.proposals[0]!.params, { kind: 'member.add', member: actor('dave').key.address, shares: 10 });
  assert.equal(view.proposals[0]!.status, 'closed', 'its voting period is over, nobody signed');
  assert.equal(daoView(scenario.state(), alice.key.address, scenario.now).proposals[1]!.canRageQuit, false, 'alice voted yes');

  const summary = daoSummary(scenario.state(), actor('mallory').key.address);
  assert.ok(DaoSummary.safeParse(summary).success);
  assert.deepEqual(summary, { id: scenario.daoId, name: 'Test DAO', members: 3, memberCap: 15, isMember: false, openProposals: 0, resultsToSign: 0 });
});

test('the summary counts the results waiting for this member\'s signature: voting over, not final, not signed by them', () => {
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), ...timing });
  const toSign = (who: Actor | null): number => daoSummary(scenario.state(), who?.key.address ?? null).resultsToSign;
  const beans = scenario.propose(alice, { kind: 'signal', params: { text: 'Plant beans' }, title: 'Beans' });
  const peas = scenario.propose(bob, { kind: 'signal', params: { text: 'Plant peas' }, title: 'Peas' });
  const leeks = scenario.propose(carol, { kind: 'signal', params: { text: 'Plant leeks' }, title: 'Leeks' });
  scenario.withdraw(carol, leeks);
  assert.deepEqual([alice, bob, carol].map(toSign), [0, 0, 0], 'voting is open: nothing to sign yet');

  scenario.advance(day + 1);
  assert.deepEqual([alice, bob, carol].map(toSign), [2, 2, 2], 'both closed proposals, not the withdrawn one');
  assert.equal(toSign(actor('mallory')), 0, 'not a member: never asked to sign');
  assert.equal(toSign(null), 0);

  scenario.sign(alice, beans);
  assert.deepEqual([alice, bob, carol].map(toSign), [1, 2, 2], 'alice signed one');
  scenario.sign(bob, beans);
  assert.deepEqual([alice, bob, carol].map(toSign), [1, 1, 1], 'two of three made beans final: carol is not waited for');
  scenario.sign(carol, peas);
  assert.deepEqual([alice, bob, carol].map(toSign), [1, 1, 0]);

  // The view of the DAO carries the same count, and the proposal page's test agrees with it.
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  assert.equal(view.resultsToSign, 1);
  assert.deepEqual(view.proposals.filter((proposal) => awaitsSignature(proposal, view.isMember)).map((proposal) => proposal.id), [peas]);
  assert.equal(awaitsSignature(view.proposals.find((proposal) => proposal.id === peas)!, false), false, 'a visitor signs nothing');
});

test('a lazy-consensus tally says how many objections reject it, of the members who may vote; other modes have a quorum instead', () => {
  const rules: Rules = { ...simpleMajority(5), ...timing, votingByKind: { signal: lazy } };
  const scenario = new Scenario([alice, bob, carol, actor('dave'), actor('erin')], rules);
  const quiet = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Nobody objects' });
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 5n }, title: 'Silence' });
  scenario.vote(bob, quiet, 'no');
  const byId = new Map(daoView(scenario.state(), alice.key.address, scenario.now).proposals.map((proposal) => [proposal.id, proposal]));
  // A quarter of five members is 1.25: the second objection rejects it.
  assert.deepEqual(byId.get(quiet)!.tally.objections, { toReject: 2, objectionBps: 2500, electorate: 5 });
  assert.deepEqual([byId.get(quiet)!.tally.no, byId.get(quiet)!.tally.outcome], [1, 'passed']);
  assert.equal(byId.get(grant)!.tally.objections, null);
  scenario.vote(carol, quiet, 'no');
  const blocked = daoView(scenario.state(), alice.key.address, scenario.now).proposals.find((proposal) => proposal.id === quiet)!;
  assert.deepEqual([blocked.tally.no, blocked.tally.outcome], [2, 'rejected']);
  // A tally from a node of an earlier version has no objections: read as none known.
  const { objections: _, ...older } = blocked.tally;
  assert.equal(TallyView.parse(older).objections, null);
});

test('a summary from a node of an earlier version, without resultsToSign, reads as nothing to sign', () => {
  const old = { id: 'A'.repeat(43), name: 'Old', members: 2, memberCap: 15, isMember: true, openProposals: 1 };
  assert.equal(DaoSummary.parse(old).resultsToSign, 0);
  assert.equal(bridgeMethods['dao.list'].result.parse([old])[0]!.resultsToSign, 0);
});

test('votingByKind set at creation shows in the view and governs proposals of that kind only', () => {
  const rules: Rules = { ...simpleMajority(3), ...timing, votingByKind: { signal: lazy } };
  const scenario = new Scenario([alice, bob, carol], rules);
  const quiet = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Nobody objects' });
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 5n }, title: 'Silence' });

  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  assert.equal(view.rules.votingMode, 'majority');
  assert.deepEqual(view.rules.votingByKind, { signal: { votingMode: 'lazy', quorumBps: 0, thresholdBps: 0, objectionBps: 2500, creditsPerEpoch: 0, epochMs: 0 } });
  const byId = new Map(view.proposals.map((proposal) => [proposal.id, proposal]));
  assert.equal(byId.get(quiet)!.votingMode, 'lazy');
  assert.equal(byId.get(grant)!.votingMode, 'majority');
  // With no votes at all, silence passes a lazy-consensus signal; the reputation grant misses its quorum.
  assert.deepEqual([byId.get(quiet)!.tally.outcome, byId.get(grant)!.tally.outcome], ['passed', 'rejected']);

  close(scenario, quiet);
  close(scenario, grant);
  const closed = new Map(daoView(scenario.state(), alice.key.address, scenario.now).proposals.map((proposal) => [proposal.id, proposal.status]));
  // The signal passed and, a day on (past its hour of grace), took effect; the grant never had its quorum.
  assert.deepEqual([closed.get(quiet), closed.get(grant)], ['executed', 'rejected']);
});

test('a rules change made with rulesFromView sets a per-kind mode that later proposals of that kind vote in', () => {
  const rules: Rules = { ...simpleMajority(3), ...timing };
  const threeQuarters: VotingMode = { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 7500 };
  const scenario = new Scenario([alice, bob, carol], rules);
  const change = scenario.propose(alice, {
    kind: 'rules.change',
    params: { rules: rulesFromView(rules, { votingByKind: { 'member.remove': votingModeView(threeQuarters) } }) },
    title: 'Removals need three quarters',
  });
  scenario.vote(alice, change, 'yes');
  scenario.vote(bob, change, 'yes');
  close(scenario, change);
  scenario.advance(hour);
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: carol.key.address }, title: 'Carol' });
  const signal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Same votes, DAO mode' });
  for (const proposal of [removal, signal]) {
    scenario.vote(alice, proposal, 'yes');
    scenario.vote(bob, proposal, 'yes');
    scenario.vote(carol, proposal, 'no');
  }
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  const byId = new Map(view.proposals.map((proposal) => [proposal.id, proposal]));
  assert.equal(byId.get(change)!.status, 'executed');
  assert.equal(view.rules.votingByKind['member.remove']?.thresholdBps, 7500);
  const params = byId.get(change)!.params;
  assert.equal(params?.kind === 'rules.change' ? params.rules.votingByKind?.['member.remove']?.thresholdBps : null, 7500);
  // Two yes to one no: two thirds, enough for the DAO's majority, not for the removal's three quarters.
  assert.deepEqual([byId.get(removal)!.tally.reason, byId.get(signal)!.tally.reason], ['threshold not met', 'passed']);
});

test('voice credits left count against a quadratic per-kind mode when the DAO\'s own is not quadratic', () => {
  const rules: Rules = { ...simpleMajority(3), ...timing, votingByKind: { signal: quadratic(3).voting } };
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'How much?' });
  scenario.vote(alice, proposal, 'yes', { votes: 3 });
  assert.equal(daoView(scenario.state(), alice.key.address, scenario.now).myCredits, 100 - 9);
  assert.equal(daoView(new Scenario([alice], { ...simpleMajority(1), ...timing }).state(), alice.key.address, scenario.now).myCredits, null);
});

test("a quadratic ballot's credits are its proposal's epoch's, less the member's other ballots there: not the current epoch's", () => {
  const mode = quadratic(3).voting;
  if (mode.type !== 'quadratic') throw new Error('a quadratic preset');
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), votingPeriodMs: 2 * mode.epochMs, gracePeriodMs: hour });
  const first = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Epoch 0, first' });
  const second = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Epoch 0, second' });
  scenario.vote(alice, first, 'yes', { votes: 5 });
  scenario.vote(alice, second, 'yes', { votes: 3 });
  scenario.advance(mode.epochMs);
  const later = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Epoch 1' });
  scenario.vote(alice, later, 'no', { votes: 2 });
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  const credits = new Map(view.proposals.map((proposal) => [proposal.id, proposal.myCredits]));
  assert.equal(view.myCredits, 100 - 4, 'this epoch');
  assert.equal(credits.get(first), 100 - 9, "changing the first ballot: the second's 9 stay spent, its own 25 are replaced");
  assert.equal(credits.get(second), 100 - 25);
  assert.equal(credits.get(later), 100, 'its own ballot is the only one of its epoch');
  assert.equal(daoView(scenario.state(), bob.key.address, scenario.now).proposals.find((proposal) => proposal.id === first)!.myCredits, 100);
});

test("a kind voting in a quadratic mode of another epoch length has credits of its own in the view, as in the fold", () => {
  const mode = quadratic(3).voting;
  if (mode.type !== 'quadratic') throw new Error('a quadratic preset');
  const signals = { ...mode, epochMs: mode.epochMs + 1 };
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), ...timing, votingByKind: { signal: signals } });
  assert.equal(Math.floor(scenario.now / mode.epochMs), Math.floor(scenario.now / signals.epochMs), 'one epoch number');
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 5n }, title: 'Grant' });
  const signal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Signal' });
  scenario.vote(alice, grant, 'yes', { votes: 4 });
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  assert.equal(view.myCredits, 100 - 16, "the DAO's own mode");
  assert.equal(view.proposals.find((proposal) => proposal.id === signal)!.myCredits, 100, "the signals' budget is untouched");
});

test('a ballot on a withdrawn proposal costs no credits in the view, as in the fold', () => {
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), ...timing });
  const withdrawn = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Withdrawn' });
  scenario.vote(alice, withdrawn, 'yes', { votes: 10 });
  scenario.withdraw(alice, withdrawn);
  const next = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Next' });
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  assert.equal(view.myCredits, 100);
  assert.equal(view.proposals.find((proposal) => proposal.id === next)!.myCredits, 100);
  const ballot = scenario.vote(alice, next, 'yes', { votes: 10 });
  assert.equal(scenario.evidenceFor(ballot), undefined, 'the fold lets the whole budget go to the next proposal');
});

test('a proposal with the most shares or points the fold takes (1e12) is named whole by the view, and dao.get stays valid', () => {
  // The bridge once took at most 1e6 of either: one such proposal, valid in the fold, made every dao.get answer
  // fail its schema at both ends, so nobody could see the DAO.
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), ...timing });
  const dave = actor('dave').key.address;
  const add = scenario.propose(alice, { kind: 'member.add', params: { member: dave, shares: 1_000_000_000_000n }, title: 'Dave' });
  const grant = scenario.propose(alice, { kind: 'reputation.grant', params: { member: bob.key.address, points: 1_000_000_000_000n }, title: 'Bob' });
  assert.equal(scenario.evidenceFor(add), undefined);
  assert.equal(scenario.evidenceFor(grant), undefined);
  const view = daoView(scenario.state(), bob.key.address, scenario.now);
  assert.ok(DaoView.safeParse(view).success);
  const byId = new Map(view.proposals.map((proposal) => [proposal.id, proposal]));
  assert.deepEqual(byId.get(add)!.params, { kind: 'member.add', member: dave, shares: 1e12 });
  assert.deepEqual(byId.get(grant)!.params, { kind: 'reputation.grant', member: bob.key.address, points: 1e12 });
});

test('a replica synced from the host\'s document by state vector folds to the same view as the host', () => {
  const scenario = new Scenario([alice, bob, carol], { ...lazyConsensus(3), ...timing });
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Sync me' });
  scenario.vote(bob, proposal, 'no');
  const host = createDaoDoc();
  appendRecords(host, scenario.records.slice(0, 2));
  const replica = createDaoDoc();
  const sync = (): void => {
    const request = bridgeMethods['dao.sync'].params.parse({ dao: scenario.daoId, stateVector: base64.encode(Y.encodeStateVector(replica)) });
    const answer = bridgeMethods['dao.sync'].result.parse({ update: base64.encode(Y.encodeStateAsUpdate(host, base64.decode(request.stateVector))) });
    Y.applyUpdate(replica, base64.decode(answer.update));
  };
  sync();
  appendRecords(host, scenario.records.slice(2));
  sync();

  const ledger = new DaoLedger(scenario.daoId);
  ledger.add([...ledgerRecords(replica)]);
  assert.equal(ledger.size, scenario.records.length);
  assert.deepEqual(daoView(ledger.state(scenario.now), bob.key.address, scenario.now), daoView(scenario.state(), bob.key.address, scenario.now));
});

test('dao.sync takes a state vector in base64 within its size bound (the host checks that it decodes)', () => {
  const params = bridgeMethods['dao.sync'].params;
  const dao = actor('x').key.address.slice(2, 45).padEnd(43, 'A');
  assert.ok(params.safeParse({ dao, stateVector: base64.encode(Y.encodeStateVector(new Y.Doc())) }).success);
  assert.equal(params.safeParse({ dao, stateVector: 'not base64!' }).success, false);
  assert.equal(params.safeParse({ dao, stateVector: 'AAA' }).success, false, 'unpadded');
  assert.equal(params.safeParse({ dao, stateVector: 'A'.repeat(maxStateVectorChars + 4) }).success, false);
  assert.equal(params.safeParse({ dao, stateVector: 'AA==', extra: 1 }).success, false);
  assert.equal(bridgeMethods['dao.sync'].result.safeParse({ update: 'AAA=' }).success, true);
});

test('the signatures a result needs now follow the members, where the rule set for fewer or more no longer can', () => {
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), ...timing, signatureThreshold: 3 });
  assert.deepEqual([daoView(scenario.state(), alice.key.address, scenario.now).signaturesNeeded, daoView(scenario.state(), null, scenario.now).rules.signatureThreshold], [3, 3]);
  scenario.ragequit(carol);
  const view = daoView(scenario.state(), alice.key.address, scenario.now);
  assert.deepEqual([view.signaturesNeeded, view.rules.signatureThreshold], [2, 3], 'at most all of the two left');
  assert.ok(DaoView.safeParse(view).success);
});

test('signatures of members who left since no longer count toward a result that is not final yet, as in the fold', () => {
  const dave = actor('dave');
  const scenario = new Scenario([alice, bob, carol, dave], { ...simpleMajority(4), ...timing, signatureThreshold: 3 });
  const beans = scenario.propose(alice, { kind: 'signal', params: { text: 'Plant beans' }, title: 'Beans' });
  scenario.advance(day + 1);
  scenario.sign(alice, beans);
  scenario.sign(carol, beans);
  const certificate = () => daoView(scenario.state(), bob.key.address, scenario.now).proposals[0]!.certificate;
  assert.deepEqual(certificate(), { signatures: 2, needed: 3, final: false, signedByMe: false });
  scenario.ragequit(carol);
  assert.deepEqual(certificate(), { signatures: 1, needed: 3, final: false, signedByMe: false }, "carol's signature is not a member's any more");
  scenario.ragequit(dave);
  // Two members left: two signatures would do, and alice's is the only one that counts.
  assert.deepEqual(certificate(), { signatures: 1, needed: 2, final: false, signedByMe: false });
  scenario.sign(bob, beans);
  assert.equal(certificate()!.final, true, "bob's makes two");
});

test("the most votes a proposal's credits in the view pay for is a ballot the fold counts, and one vote more it ignores", () => {
  const scenario = new Scenario([alice, bob, carol], { ...quadratic(3), ...timing });
  const signal = (title: string): string => scenario.propose(alice, { kind: 'signal', params: { text: '' }, title });
  scenario.vote(alice, signal('First'), 'yes', { votes: 3 });
  const second = signal('Second');
  const credits = daoView(scenario.state(), alice.key.address, scenario.now).proposals.find((proposal) => proposal.id === second)!.myCredits!;
  // 100 - 9 = 91 credits pay for 9 votes (81), not 10 (100).
  assert.deepEqual([credits, mostVotesFor(credits), ballotCost(mostVotesFor(credits) + 1)], [91, 9, 100]);
  const over = scenario.vote(alice, second, 'yes', { votes: mostVotesFor(credits) + 1 });
  assert.equal(scenario.evidenceFor(over), reasons.overspent);
  const most = scenario.vote(alice, second, 'yes', { votes: mostVotesFor(credits) });
  assert.equal(scenario.evidenceFor(most), undefined);
});

test("a passed removal of the reader shows in their view until it takes effect: in its grace period, then due; others see none", () => {
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), ...timing });
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: carol.key.address }, title: 'Part ways' });
  for (const member of [alice, bob]) scenario.vote(member, removal, 'yes');
  const view = (reader: Actor) => DaoView.parse(daoView(scenario.state(), reader.key.address, scenario.now));
  assert.equal(view(carol).myRemoval, null, 'not while it is voted on');
  close(scenario, removal);
  const executesAt = scenario.proposal(removal).executesAt;
  assert.ok(executesAt !== null);
  assert.deepEqual(view(carol).myRemoval, { proposal: removal, executesAt });
  assert.equal(view(alice).myRemoval, null);
  // Past its time and with no record since, the fold has not executed it: carol's view still says it is due.
  scenario.advance(hour + 1);
  assert.deepEqual([view(carol).isMember, view(carol).myRemoval], [true, { proposal: removal, executesAt }]);
  // A member's record after its time executes it: carol is out, and the notice gives way to her exit.
  scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Next' });
  assert.deepEqual([view(carol).isMember, view(carol).myRemoval, view(carol).exits.map((exit) => exit.reason)], [false, null, ['removed']]);
});
