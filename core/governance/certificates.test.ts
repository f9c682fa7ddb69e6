// Timing integrity: a vote closes only by a tally certificate that enough members signed (README.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaoLedger } from './dao-ledger.ts';
import type { LedgerIndex } from './ledger-index.ts';
import { reasons } from './reasons.ts';
import { simpleMajority } from './rules.ts';
import { actor, day, hour, Scenario } from './test-dao.ts';

const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour };

function threeMembers() {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [ReturnType<typeof actor>, ReturnType<typeof actor>, ReturnType<typeof actor>];
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: 'Buy a kettle' }, title: 'Kettle' });
  return { scenario, alice, bob, carol, proposal };
}

/**
 * Alice and Bob vote yes and the voting period ends; returns where the ledger stood then (`fork`) and two valid
 * certificates of different outcomes: `full` (both votes: passed) and `partial` (one yes of three members misses
 * the quorum: rejected).
 */
function twoCertificates() {
  const members = threeMembers();
  const { scenario, alice, bob, proposal } = members;
  const yes = scenario.vote(alice, proposal, 'yes');
  const alsoYes = scenario.vote(bob, proposal, 'yes');
  scenario.advance(2 * day);
  const fork = scenario.ledger.heads();
  const full = { proposal, votes: [yes.id, alsoYes.id], outcome: 'passed' as const };
  const partial = { proposal, votes: [yes.id], outcome: 'rejected' as const };
  return { ...members, yes, alsoYes, fork, full, partial };
}

test('a deadline alone closes nothing: the proposal stays undecided until members sign', () => {
  const { scenario, alice, bob, proposal } = threeMembers();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(2 * day);
  scenario.propose(alice, { kind: 'signal', params: { text: 'time passes' }, title: 'Later' });
  assert.equal(scenario.proposal(proposal).status, 'voting-closed');
  assert.equal(scenario.proposal(proposal).certificate, null);
  scenario.sign(alice, proposal);
  assert.equal(scenario.proposal(proposal).status, 'voting-closed', 'one of two signatures');
  scenario.sign(bob, proposal);
  const decided = scenario.proposal(proposal);
  assert.equal(decided.status, 'passed');
  assert.equal(decided.certificate?.outcome, 'passed');
  assert.deepEqual(decided.certificate?.signers, [alice.key.address, bob.key.address].sort());
});

test('a signature made before the voting period ended is ignored', () => {
  const { scenario, alice, proposal } = threeMembers();
  const vote = scenario.vote(alice, proposal, 'yes');
  scenario.advance(hour);
  const early = scenario.signCertificate(alice, { proposal, votes: [vote.id], outcome: 'passed' });
  assert.equal(scenario.evidenceFor(early), reasons.signedEarly);
});

test('a certificate whose outcome is not the tally of its listed votes is ignored', () => {
  const { scenario, alice, bob, proposal } = threeMembers();
  const yes = scenario.vote(alice, proposal, 'yes');
  const no = scenario.vote(bob, proposal, 'no');
  scenario.advance(2 * day);
    const proposed = scenario.ledger.proposeCertificate(proposal, scenario.now);
  assert.ok(proposed.ok);
  assert.equal(proposed.certificate.outcome, 'rejected', 'a tie');
  assert.equal(proposed.tally.reason, 'tie');
  const wrong = scenario.signCertificate(alice, { ...proposed.certificate, outcome: 'passed' });
  assert.deepEqual(new Set(proposed.certificate.votes), new Set([yes.id, no.id]));
  assert.equal(scenario.evidenceFor(wrong), reasons.wrongOutcome);
});

test('a certificate may list only valid, latest votes for the proposal that its signer had seen', () => {
  const { scenario, alice, bob, carol, proposal } = threeMembers();
  const before = scenario.ledger.heads();
  const first = scenario.vote(bob, proposal, 'no');
  const changed = scenario.vote(bob, proposal, 'yes');
  const other = scenario.propose(carol, { kind: 'signal', params: { text: '' }, title: 'Other' });
  const elsewhere = scenario.vote(carol, other, 'yes');
  scenario.advance(2 * day);
  const old = scenario.signCertificate(alice, { proposal, votes: [first.id], outcome: 'rejected' });
  assert.equal(scenario.evidenceFor(old), reasons.notLatestVote);
  const wrongProposal = scenario.signCertificate(alice, { proposal, votes: [elsewhere.id], outcome: 'passed' });
  assert.equal(scenario.evidenceFor(wrongProposal), reasons.notAVote);
  const blind = scenario.signCertificate(carol, { proposal, votes: [changed.id], outcome: 'passed' }, { deps: [...before, proposal] });
  assert.equal(scenario.evidenceFor(blind), reasons.unseenVote);
  const twice = scenario.signCertificate(carol, { proposal, votes: [first.id, changed.id], outcome: 'passed' });
  assert.equal(scenario.evidenceFor(twice), reasons.twoVotesOneMember);
});

test('a late vote, even backdated into the voting period, changes nothing once the certificate is signed', () => {
  const { scenario, alice, bob, carol, proposal } = threeMembers();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  const beforeClose = scenario.ledger.heads();
  scenario.advance(day + hour);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  const passed = scenario.proposal(proposal);
  const hashBefore = scenario.ledger.stateHash();
  // Carol votes no late but claims a time inside the period and pretends not to have seen the signatures.
  const backdated = scenario.vote(carol, proposal, 'no', { deps: beforeClose, time: scenario.now - day });
  assert.equal(scenario.evidenceFor(backdated), reasons.notCertified);
  assert.deepEqual(scenario.proposal(proposal).tally, passed.tally);
  assert.equal(scenario.proposal(proposal).status, 'passed');
  // Honest late votes are evidence of their own kind.
  const late = scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(late), reasons.voteAfterPeriod);
  assert.notEqual(scenario.ledger.stateHash(), hashBefore, 'the evidence list grew');
  assert.equal(scenario.proposal(proposal).certificate?.votes.length, 2);
});

test('competing certificates from different views: the one enough members signed is final, the other is evidence', () => {
  const { scenario, alice, bob, carol, proposal } = threeMembers();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  const common = scenario.ledger.heads();
  // Carol's vote reaches only Carol before the deadline.
  const carolsView = new DaoLedger(scenario.daoId);
  carolsView.add(scenario.records);
  const carolsVote = scenario.vote(carol, proposal, 'no', { deps: common, into: carolsView });
  scenario.advance(2 * day);
  const carolsCertificate = carolsView.proposeCertificate(proposal, scenario.now);
  assert.ok(carolsCertificate.ok);
  assert.equal(carolsCertificate.certificate.votes.length, 3);
  const carolSigns = scenario.signCertificate(carol, carolsCertificate.certificate, { deps: carolsView.heads(), into: carolsView });
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  scenario.ledger.add([carolsVote, carolSigns]);
  const decided = scenario.proposal(proposal);
  assert.equal(decided.status, 'passed');
  assert.equal(decided.certificate?.votes.length, 2);
  assert.equal(decided.signatures.length, 2);
  assert.equal(scenario.evidenceFor(carolSigns), reasons.lostCertificate);
  assert.equal(scenario.evidenceFor(carolsVote), reasons.notCertified);
});

test('equivocation: a member who signs two certificates has all their signatures for it ignored', () => {
  const { scenario, alice, bob, carol, proposal, fork, full, partial } = twoCertificates();
  // Bob signs both versions, each seen by a different member who signs it too; neither may count Bob.
  const bobFull = scenario.signCertificate(bob, full, { deps: fork });
  const bobPartial = scenario.signCertificate(bob, partial, { deps: fork });
  const aliceFull = scenario.signCertificate(alice, full);
  const carolPartial = scenario.signCertificate(carol, partial);
  const state = scenario.proposal(proposal);
  assert.equal(state.status, 'voting-closed');
  assert.equal(state.certificate, null);
  for (const record of [bobFull, bobPartial]) assert.equal(scenario.evidenceFor(record), reasons.equivocation);
  assert.equal(scenario.evidenceFor(aliceFull), undefined);
  assert.equal(scenario.evidenceFor(carolPartial), undefined);
  assert.deepEqual(scenario.ledger.certificatesToAnchor(), []);
});

test('an equivocating signature published after the certificate was final changes nothing, in any arrival order', () => {
  const { scenario, alice, bob, proposal } = threeMembers();
  const yes = scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(2 * day);
  const fork = scenario.ledger.heads();
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  const final = scenario.proposal(proposal);
  assert.equal(final.status, 'passed');
  // Later Bob regrets and signs another certificate, crafted on old deps so that it sorts early.
  const regret = scenario.signCertificate(bob, { proposal, votes: [yes.id], outcome: 'rejected' }, { deps: fork });
  assert.equal(scenario.evidenceFor(regret), reasons.equivocation);
  assert.deepEqual(scenario.proposal(proposal).certificate, final.certificate);
  const replica = new DaoLedger(scenario.daoId);
  replica.add([...scenario.records].reverse());
  assert.equal(replica.stateHash(), scenario.ledger.stateHash());
  assert.equal(replica.state(scenario.now).proposals[0]!.status, 'passed');
});

test('signatures made concurrently become final at the next record that has seen them all', () => {
  const { scenario, alice, bob, carol, proposal } = threeMembers();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  scenario.advance(2 * day);
  const heads = scenario.ledger.heads();
  scenario.sign(alice, proposal, { deps: heads });
  scenario.sign(bob, proposal, { deps: heads });
  assert.equal(scenario.proposal(proposal).status, 'voting-closed');
  const [toAnchor] = scenario.ledger.certificatesToAnchor();
  assert.equal(toAnchor?.proposal, proposal);
  // Re-signing the identical certificate is not equivocation; any record on top of both would do.
  scenario.signCertificate(alice, toAnchor!);
  assert.equal(scenario.proposal(proposal).status, 'passed');
  assert.deepEqual(scenario.ledger.certificatesToAnchor(), []);
  void carol;
});

test('a withdrawn proposal cannot be voted on or certified; only its author may withdraw, and only while open', () => {
  const { scenario, alice, bob, carol, proposal } = threeMembers();
  const notYours = scenario.withdraw(bob, proposal);
  assert.equal(scenario.evidenceFor(notYours), reasons.notProposalAuthor);
  const vote = scenario.vote(bob, proposal, 'yes');
  scenario.withdraw(alice, proposal);
  assert.equal(scenario.proposal(proposal).status, 'withdrawn');
  const tooLate = scenario.vote(carol, proposal, 'yes');
  assert.equal(scenario.evidenceFor(tooLate), reasons.proposalWithdrawn);
  scenario.advance(2 * day);
  assert.equal(scenario.ledger.proposeCertificate(proposal, scenario.now).ok, false);
  const signature = scenario.signCertificate(bob, { proposal, votes: [vote.id], outcome: 'rejected' });
  assert.equal(scenario.evidenceFor(signature), reasons.proposalWithdrawn);
  const other = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Other' });
  scenario.advance(2 * day);
  assert.equal(scenario.evidenceFor(scenario.withdraw(alice, other)), reasons.votingOver);
});

test('a withdrawal its signers had not seen loses to a final certificate', () => {
  const { scenario, alice, bob, proposal } = threeMembers();
  scenario.vote(alice, proposal, 'yes');
  scenario.vote(bob, proposal, 'yes');
  const early = scenario.ledger.heads();
  scenario.advance(2 * day);
  scenario.sign(alice, proposal);
  scenario.sign(bob, proposal);
  // Alice tries to take it back, claiming a time inside the voting period on a view from before the tally.
  const withdrawal = scenario.withdraw(alice, proposal, { deps: early, time: scenario.now - 2 * day + hour });
  assert.equal(scenario.evidenceFor(withdrawal), reasons.withdrawalTooLate);
  assert.equal(scenario.proposal(proposal).status, 'passed');
});

test('re-signing a certificate, before and after it is final, and equivocating around it: each signature gets its reason', () => {
  const { scenario, alice, bob, carol, proposal, fork, full, partial } = twoCertificates();
  // Bob signs three times; Alice's signature makes it final, with Bob counted: he had signed nothing else there.
  const bobBefore = [1, 2, 3].map(() => scenario.signCertificate(bob, full));
  const finalizer = scenario.signCertificate(alice, full);
  assert.equal(scenario.proposal(proposal).certificate?.finalizedBy, finalizer.id);
  const aliceAfter = [1, 2, 3].map(() => scenario.signCertificate(alice, full));
  // Then Bob and Carol sign the other certificate on a view from before the signatures, and Bob the final one again.
  const bobPartial = scenario.signCertificate(bob, partial, { deps: fork });
  const carolPartial = scenario.signCertificate(carol, partial, { deps: fork });
  const bobAfter = [1, 2].map(() => scenario.signCertificate(bob, full));
  const outsider = scenario.signCertificate(actor('dave'), full);
  const evidence = (records: readonly { id: string }[]) => records.map((record) => scenario.evidenceFor(record.id));
  assert.deepEqual(evidence(bobBefore), [undefined, undefined, undefined], 'counted where the certificate became final');
  assert.deepEqual(evidence([finalizer, ...aliceAfter]), [undefined, undefined, undefined, undefined], 're-signing is anchoring');
  assert.deepEqual(evidence([bobPartial, carolPartial]), [reasons.equivocation, reasons.lostCertificate]);
  assert.deepEqual(evidence(bobAfter), [reasons.equivocation, reasons.equivocation], 'the other signature was in sight');
  assert.equal(scenario.evidenceFor(outsider), reasons.notMember);
  const decided = scenario.proposal(proposal);
  assert.equal(decided.status, 'passed');
  assert.deepEqual(decided.certificate?.signers, [alice.key.address, bob.key.address].sort());
  assert.deepEqual(
    decided.signatures.map(({ outcome, signers }) => [outcome, signers]),
    [
      ['rejected', [bob.key.address, carol.key.address].sort()],
      ['passed', [alice.key.address, bob.key.address].sort()],
    ],
  );

  // Bob signs both before anyone else: he does not count where the certificate becomes final either.
  const second = scenario.propose(alice, { kind: 'signal', params: { text: 'Buy cups' }, title: 'Cups' });
  const yes2 = scenario.vote(alice, second, 'yes');
  const alsoYes2 = scenario.vote(bob, second, 'yes');
  scenario.advance(2 * day);
  const fork2 = scenario.ledger.heads();
  const full2 = { proposal: second, votes: [yes2.id, alsoYes2.id], outcome: 'passed' as const };
  const bobFull2 = [1, 2].map(() => scenario.signCertificate(bob, full2, { deps: fork2 }));
  const bobPartial2 = scenario.signCertificate(bob, { proposal: second, votes: [yes2.id], outcome: 'rejected' }, { deps: fork2 });
  const aliceFull2 = scenario.signCertificate(alice, full2);
  assert.equal(scenario.proposal(second).status, 'voting-closed', "Bob's signature does not count");
  assert.deepEqual(evidence([...bobFull2, bobPartial2, aliceFull2]), [reasons.equivocation, reasons.equivocation, reasons.equivocation, undefined]);
  const carolFull2 = scenario.signCertificate(carol, full2);
  assert.equal(scenario.proposal(second).certificate?.finalizedBy, carolFull2.id);
  assert.deepEqual(evidence([...bobFull2, bobPartial2, aliceFull2, carolFull2]), [reasons.equivocation, reasons.equivocation, reasons.equivocation, undefined, undefined]);
});

/** The fold's index: TypeScript's `private` is not enforced at run time. */
function indexOf(ledger: DaoLedger): LedgerIndex {
  return (ledger as unknown as { index: LedgerIndex }).index;
}

test('a certificate re-signed K times: the state after one more signature looks at each signature a few times, not K times', () => {
  const { scenario, alice, bob, proposal } = threeMembers();
  const yes = scenario.vote(alice, proposal, 'yes');
  const alsoYes = scenario.vote(bob, proposal, 'yes');
  scenario.advance(2 * day);
  const fork = scenario.ledger.heads();
  const full = { proposal, votes: [yes.id, alsoYes.id], outcome: 'passed' as const };
  scenario.signCertificate(alice, full);
  const k = 200;
  for (let i = 0; i < k; i++) scenario.signCertificate(bob, full);
  // Bob equivocates too, so each of his signatures of the final certificate also asks what he had signed where it became final.
  scenario.signCertificate(bob, { proposal, votes: [yes.id], outcome: 'rejected' }, { deps: fork });
  scenario.state();
  scenario.signCertificate(bob, full);
  const index = indexOf(scenario.ledger);
  let looks = 0;
  const { inView, signatureInfo } = index;
  index.inView = (...args) => (looks++, inView.apply(index, args));
  index.signatureInfo = (...args) => (looks++, signatureInfo.apply(index, args));
  try {
    const state = scenario.state();
    // The first of Bob's signatures made it final; his later ones and the other certificate are equivocation.
    assert.equal(state.evidence.filter((entry) => entry.reason === reasons.equivocation).length, k + 1);
  } finally {
    delete (index as Partial<LedgerIndex>).inView;
    delete (index as Partial<LedgerIndex>).signatureInfo;
  }
  assert.ok(looks < 20 * k, `${looks} looks at ${k + 3} signatures`);
});
