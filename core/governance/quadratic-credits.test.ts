// Quadratic voice credits against final certificates: a ballot a final certificate counted keeps its credits,
// whatever sorts before it in canonical order and whatever the voter writes later, in every delivery order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerRecord } from '../ledger/record.ts';
import { DaoLedger } from './dao-ledger.ts';
import { reasons } from './reasons.ts';
import { quadratic, type Rules } from './rules.ts';
import { actor, day, Scenario, seededRandom, type Actor } from './test-dao.ts';

const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];

function dao() {
  const base = quadratic(3);
  const rules: Rules = { ...base, votingPeriodMs: day, voting: { ...base.voting, creditsPerEpoch: 100 } as Rules['voting'] };
  const scenario = new Scenario([alice, bob, carol], rules);
  return { scenario, signal: (title: string) => scenario.propose(alice, { kind: 'signal', params: { text: '' }, title }) };
}

/** The records in `orders` different orders (the scenario's, reversed, then shuffled), each into a fresh ledger, one at a time or all at once. */
function deliveries(scenario: Scenario, orders: number): DaoLedger[] {
  const random = seededRandom(7);
  const ledgers: DaoLedger[] = [];
  for (let round = 0; round < orders; round++) {
    const records: LedgerRecord[] = round === 1 ? [...scenario.records].reverse() : [...scenario.records];
    if (round >= 2) {
      for (let i = records.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [records[i], records[j]] = [records[j]!, records[i]!];
      }
    }
    const ledger = new DaoLedger(scenario.daoId);
    if (round % 2 === 0) ledger.add(records);
    else for (const record of records) ledger.add(record);
    ledgers.push(ledger);
  }
  return ledgers;
}

test('quadratic: a ballot that sorts first but comes after another\'s final certificate cannot spend its credits again', () => {
  const { scenario, signal } = dao();
  const second = signal('Second (made first: its ballots sort lower)');
  const first = signal('First');
  // Bob's ballot on Second is written on Second alone (a low height: it sorts before everything after it) and kept back.
  const hidden = scenario.vote(bob, second, 'yes', { votes: 10, deps: [second], into: null });
  // Bob spends his 100 credits openly on First, and its certificate becomes final with that ballot.
  const open = scenario.vote(bob, first, 'yes', { votes: 10 });
  scenario.vote(alice, first, 'no', { votes: 1 });
  scenario.advance(day + 1);
  scenario.sign(alice, first);
  scenario.sign(carol, first);
  assert.equal(scenario.proposal(first).status, 'passed');
  // Bob releases the hidden ballot: valid in its own view (it saw no other), so it is a vote like any other.
  scenario.ledger.add(hidden);
  scenario.vote(carol, second, 'no', { votes: 5, deps: [second], time: scenario.now - day });
  assert.equal(scenario.evidenceFor(hidden), undefined);
  // An honest certificate leaves it out: First's final certificate already spent Bob's credits.
  const proposed = scenario.ledger.proposeCertificate(second, scenario.now);
  assert.ok(proposed.ok);
  assert.equal(proposed.certificate.votes.includes(hidden.id), false);
  assert.equal(proposed.certificate.outcome, 'rejected');
  // A certificate that lists it anyway is ignored, whoever signs it.
  const greedy = scenario.signCertificate(bob, { proposal: second, votes: [hidden.id], outcome: 'passed' });
  assert.equal(scenario.evidenceFor(greedy), reasons.certificateOverspends);
  scenario.sign(alice, second);
  scenario.sign(carol, second);
  const finalFirst = scenario.proposal(first);
  assert.equal(finalFirst.status, 'passed', 'the first final certificate stands');
  assert.ok(finalFirst.certificate?.votes.includes(open.id));
  assert.equal(scenario.proposal(second).status, 'rejected');
  assert.equal(scenario.evidenceFor(hidden), reasons.notCertified);
  const certified = scenario
    .state()
    .proposals.flatMap((proposal) => (proposal.certificate ? proposal.votes.filter((vote) => vote.voter === bob.key.address) : []));
  assert.deepEqual(certified.map((vote) => vote.record), [open.id], 'Bob\'s 100 credits are spent once');
  const expected = scenario.ledger.stateHash();
  for (const ledger of deliveries(scenario, 6)) {
    assert.equal(ledger.stateHash(), expected);
    assert.equal(ledger.state(scenario.now).evidence.find((entry) => entry.record === greedy.id)?.reason, reasons.certificateOverspends);
  }
});

test('quadratic: a later ballot on a decided proposal does not give back the credits its final certificate counted', () => {
  const { scenario, signal } = dao();
  const first = signal('First');
  const counted = scenario.vote(bob, first, 'yes', { votes: 10 });
  scenario.vote(alice, first, 'no', { votes: 1 });
  // Written before the certificate and released after it: Bob's latest ballot on First, but in no certificate.
  const abstention = scenario.vote(bob, first, 'abstain', { into: null });
  scenario.advance(day + 1);
  scenario.sign(alice, first);
  scenario.sign(carol, first);
  scenario.ledger.add(abstention);
  assert.equal(scenario.evidenceFor(abstention), reasons.notCertified);
  assert.ok(scenario.proposal(first).certificate?.votes.includes(counted.id));
  // The credits are the certified ballot's: none are left for Second, made in the same epoch.
  const second = signal('Second');
  const again = scenario.vote(bob, second, 'yes', { votes: 1 });
  assert.equal(scenario.evidenceFor(again), reasons.overspent);
  const abstainOnSecond = scenario.vote(bob, second, 'abstain');
  assert.equal(scenario.evidenceFor(abstainOnSecond), undefined, 'an abstention costs nothing');
  const expected = scenario.ledger.stateHash();
  for (const ledger of deliveries(scenario, 4)) assert.equal(ledger.stateHash(), expected);
});
