// Rage quit: at any time, also during the grace period of a proposal the member voted against; their shares
// burn, their pro-rata claim is recorded, and the shares table updates for everyone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaoLedger } from './dao-ledger.ts';
import { reasons } from './reasons.ts';
import { simpleMajority } from './rules.ts';
import { actor, day, hour, Scenario, type Actor } from './test-dao.ts';

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(actor) as [Actor, Actor, Actor, Actor];
const rules = { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: day, initialShares: 100 };

test('a dissenter rage quits in the grace period, before the proposal they voted against executes', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const dilute = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 300n }, title: 'Dave gets 300 shares' });
  scenario.vote(alice, dilute, 'yes');
  scenario.vote(bob, dilute, 'yes');
  scenario.vote(carol, dilute, 'no');
  scenario.advance(day + 1);
  scenario.sign(alice, dilute);
  scenario.sign(bob, dilute);
  assert.equal(scenario.proposal(dilute).status, 'passed');
  scenario.advance(day / 2);
  scenario.ragequit(carol);
  const exit = scenario.state().exits[0]!;
  assert.deepEqual(
    [exit.member, exit.reason, exit.shares, exit.totalShares, exit.claimBps, exit.duringGraceOf],
    [carol.key.address, 'ragequit', 100n, 300n, 3333, [dilute]],
  );
  assert.equal(scenario.state().totalShares, 200n);
  scenario.advance(day);
  scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'After' });
  assert.equal(scenario.proposal(dilute).status, 'executed');
  const state = scenario.state();
  assert.deepEqual(
    state.members.map((member) => [member.address, member.shares]),
    [[alice.key.address, 100n], [bob.key.address, 100n], [dave.key.address, 300n]].sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)),
  );
  assert.equal(state.totalShares, 500n);
  assert.equal(state.signatureThreshold, 2);
});

test('after a rage quit the member\'s records do not count, nor do those made concurrently with it', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Signal' });
  const before = scenario.ledger.heads();
  const quit = scenario.ragequit(carol);
  const concurrent = scenario.vote(carol, proposal, 'no', { deps: before });
  const after = scenario.vote(carol, proposal, 'no');
  assert.equal(scenario.evidenceFor(quit), undefined);
  assert.equal(scenario.evidenceFor(after), reasons.notMember);
  assert.equal(scenario.evidenceFor(concurrent), reasons.concurrentWithRagequit);
  assert.equal(scenario.state().exits.length, 1);
  assert.equal(scenario.state().members.length, 2);
  // Two members left: a certificate needs both.
  assert.equal(scenario.state().signatureThreshold, 2);
  const again = scenario.ragequit(carol);
  assert.equal(scenario.evidenceFor(again), reasons.notMember);
});

test('the last member may leave too, with the whole claim', () => {
  const scenario = new Scenario([alice], { ...rules, signatureThreshold: 1 });
  scenario.ragequit(alice);
  const state = scenario.state();
  assert.equal(state.members.length, 0);
  assert.equal(state.exits[0]!.claimBps, 10_000);
});

/** A seeded shuffle, so that a failing delivery order replays. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

test('of concurrent rage quits by one member the first in time (then canonical order) counts, in any delivery order; the others are evidence', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Signal' });
  const before = scenario.ledger.heads();
  scenario.advance(hour);
  // Eight rage quits none of which saw another: distinct times in a scrambled order, and two at the same time
  // (on other deps) that only the canonical order tells apart.
  const quits = [5, 2, 7, 0, 4, 1, 6, 3].map((slot) => scenario.ragequit(carol, { deps: before, time: scenario.now + slot * 60_000 }));
  quits.push(scenario.ragequit(carol, { deps: [scenario.genesis.id], time: scenario.now }));
  // Bob writes having seen one of them only (not the one that counts), then Alice on top of everything.
  scenario.vote(bob, proposal, 'yes', { deps: [quits[0]!.id], time: scenario.now + 10 * 60_000 });
  scenario.advance(day);
  scenario.vote(alice, proposal, 'yes');

  const rank = new Map(scenario.ledger.canonicalOrder().map((id, at) => [id, at]));
  const time = (id: string) => Math.max(...quits.filter((quit) => quit.id === id).map((quit) => quit.record.time));
  const first = [...quits].sort((a, b) => time(a.id) - time(b.id) || rank.get(a.id)! - rank.get(b.id)!)[0]!;
  const state = scenario.state();
  assert.equal(state.exits.length, 1);
  assert.equal(state.exits[0]!.source, first.id);
  assert.equal(state.members.length, 2);
  for (const quit of quits) {
    assert.deepEqual(scenario.ledger.verdictOf(quit.id), { ok: true }, 'each was valid in its own view');
    assert.equal(scenario.evidenceFor(quit), quit === first ? undefined : reasons.concurrentRagequit);
  }
  const hash = scenario.ledger.stateHash();
  for (const order of [[...scenario.records].reverse(), ...[1, 2, 3, 4, 5, 6].map((seed) => shuffled(scenario.records, seed))]) {
    const replica = new DaoLedger(scenario.daoId);
    for (const record of order) replica.add(record);
    assert.equal(replica.stateHash(), hash);
    assert.deepEqual(replica.state(scenario.now).exits, state.exits);
  }
});

test('a record made before the rage quit that counts stands, though concurrent with a second, later one', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Signal' });
  const before = scenario.ledger.heads();
  const vote = scenario.vote(carol, proposal, 'no');
  scenario.ragequit(carol, { deps: [vote.id] });
  const later = scenario.ragequit(carol, { deps: before, time: scenario.now + 60_000 });
  assert.equal(scenario.evidenceFor(vote), undefined);
  assert.equal(scenario.evidenceFor(later), reasons.concurrentRagequit);
  assert.equal(scenario.state().exits.length, 1);
});

test('a record written on a rage quit that a concurrent earlier one outranks is judged alike in every delivery order', () => {
  // Carol quits (q1), votes on top of it, and publishes a second rage quit (q2) on the genesis with its time: q2
  // counts for everything held, q1 only in views without q2. A replica that got q2 first judged the vote on top
  // of q1 with the state cached for q1's own view (Carol still in), another as Carol's after she left.
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), votingPeriodMs: day });
  const signal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'a signal' });
  scenario.advance(60_000);
  scenario.ragequit(carol);
  const vote = scenario.vote(carol, signal, 'no');
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: carol.key.address }, title: 'remove Carol' });
  const q2 = scenario.ragequit(carol, { deps: [scenario.genesis.id], time: scenario.genesis.record.time });

  const written = new DaoLedger(scenario.daoId);
  written.add(scenario.records);
  const q2First = new DaoLedger(scenario.daoId);
  q2First.add([scenario.genesis, q2, ...scenario.records.filter((record) => record !== scenario.genesis && record !== q2)]);
  const oneByOne = new DaoLedger(scenario.daoId);
  for (const record of [scenario.genesis, q2, ...scenario.records.filter((record) => record !== scenario.genesis && record !== q2)]) oneByOne.add([record]);
  for (const ledger of [written, q2First, oneByOne]) {
    assert.deepEqual(ledger.verdictOf(vote.id), { ok: false, reason: reasons.notMember });
    assert.equal(ledger.verdictOf(removal)?.ok, false);
    assert.equal(ledger.stateHash(), written.stateHash());
  }
});

test('a member who leaves takes no reputation along: admitted again, they start with none', () => {
  const scenario = new Scenario([alice, bob, carol], rules);
  const pass = (proposal: string) => {
    for (const member of [alice, bob, carol]) scenario.vote(member, proposal, 'yes');
    scenario.advance(day + 1);
    scenario.sign(alice, proposal);
    scenario.sign(bob, proposal);
    scenario.advance(day + 1);
    scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Next' });
    assert.equal(scenario.proposal(proposal).status, 'executed');
  };
  const reputationOf = (who: Actor) => scenario.state().members.find((member) => member.address === who.key.address)?.reputation;
  pass(scenario.propose(alice, { kind: 'reputation.grant', params: { member: carol.key.address, points: 70n }, title: 'Thanks, Carol' }));
  assert.equal(reputationOf(carol), 70n);
  scenario.ragequit(carol);
  assert.equal(reputationOf(carol), undefined);
  pass(scenario.propose(alice, { kind: 'member.add', params: { member: carol.key.address, shares: 10n }, title: 'Carol again' }));
  assert.equal(reputationOf(carol), 0n, 'the old grant stayed behind');
  assert.ok(!scenario.state().members.some((member) => member.address === carol.key.address && member.shares !== 10n));
});
