// A DAO's life through the CLI on one real node: found it, propose, vote, close the vote with a signed tally
// certificate, restart the node, and find everything as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DaoRulesView, DaoSummary, DaoView, ProposalView } from '../core/bridge/api.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
let node: RunningNode;
let address: string;

function cli(args: string[]) {
  return runCli(['--data', node.dataDir, ...args], { env });
}

async function json<T>(args: string[]): Promise<T> {
  const result = await cli([...args, '--json']);
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

before(async () => {
  node = await startCliNode();
  address = (await json<{ address: string }>(['identity', 'create'])).address;
});

after(async () => {
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('found a DAO, propose, vote, sign the result; the state survives a restart', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Garden Club', '--charter', 'We grow food.', '--voting-period', '40s', '--grace-period', '5s']);
  const listed = await json<DaoSummary[]>(['dao', 'list']);
  assert.deepEqual(listed.map((entry) => [entry.id, entry.name, entry.members, entry.isMember]), [[dao, 'Garden Club', 1, true]]);

  const members = await json<DaoView['members']>(['dao', 'members', dao]);
  assert.deepEqual(members, [{ address, shares: 100, reputation: 0 }]);

  const { proposal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Buy seeds', '--text', 'tomatoes and beans']);
  const early = await cli(['tally', 'sign', dao, proposal]);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /^daomesh: The result cannot be signed: the voting period is not over yet\./);
  await json(['vote', dao, proposal, 'no']);
  await json(['vote', dao, proposal, 'yes']); // a changed vote: the latest counts
  const open = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.equal(open.status, 'open');
  assert.deepEqual([open.tally.yes, open.tally.no, open.tally.voters], [1, 0, 1]);
  assert.deepEqual(open.myVote, { choice: 'yes', votes: 1 });
  assert.match((await cli(['dao', 'show', dao])).stdout, /^ {2}1 proposal, 1 ignored record \(`daomesh dao evidence` lists them\), state /m);
  // The changed vote is kept as evidence: counted in the view, listed by `dao evidence` (paged).
  assert.equal((await json<DaoView>(['dao', 'show', dao])).evidenceTotal, 1);
  const ignored = await json<{ total: number; offset: number; evidence: Array<{ kind: string; reason: string }> }>(['dao', 'evidence', dao]);
  assert.deepEqual([ignored.total, ignored.offset, ignored.evidence.map((entry) => [entry.kind, entry.reason])], [1, 0, [['vote', "superseded by the member's later vote"]]]);
  assert.deepEqual((await json<{ evidence: unknown[] }>(['dao', 'evidence', dao, '--offset', '1'])).evidence, []);
  assert.equal((await cli(['dao', 'evidence', dao, '--offset', '1'])).stdout, '(no ignored records from number 2 on: the DAO ignores 1 in all)\n');
  const allOrSome = await cli(['dao', 'evidence', dao, '--all', '--limit', '1']);
  assert.match(allOrSome.stderr, /^daomesh: --all lists every ignored record: it takes no --limit\./);
  const everything = await cli(['dao', 'evidence', dao, '--all']);
  assert.equal(everything.code, 0);
  assert.match(everything.stdout, / {2}vote {2}0x[0-9a-fA-F]{40} {2}superseded by the member's later vote\n\(1 ignored record\)\n$/);

  await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined), 90_000);
  assert.match((await cli(['dao', 'list'])).stdout, new RegExp(`^${dao}  Garden Club  1/15 members  0 open  1 result to sign \\(\`daomesh tally sign\`\\)$`, 'm'));
  await json(['tally', 'sign', dao, proposal]);
  assert.match((await cli(['dao', 'list'])).stdout, new RegExp(`^${dao}  Garden Club  1/15 members  0 open$`, 'm'));
  const decided = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.equal(decided.status, 'passed');
  assert.deepEqual(decided.certificate, { signatures: 1, needed: 1, final: true, signedByMe: true });
  assert.match((await cli(['proposal', 'show', dao, proposal])).stdout, /^ {2}certificate: final, signed by 1 member$/m);
  // Nobody writes after the grace period, so the node writes the record that executes it.
  await waitFor('the proposal to execute', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'executed' ? true : undefined), 30_000);

  // A vote the fold would only keep as evidence is refused, with the fold's reason, and not written.
  const held = await json<DaoView>(['dao', 'show', dao]);
  const late = await cli(['vote', dao, proposal, 'no']);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /^daomesh: The DAO would not count this vote: vote after the voting period\.\n$/);
  const before = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(before.proposals[0]!.tally.yes, 1, 'a refused vote changes nothing');
  assert.deepEqual([before.records, before.evidence], [held.records, held.evidence], 'nothing was written');

  await node.stop();
  node = await startCliNode({ dataDir: node.dataDir });
  const after = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(after.stateHash, before.stateHash);
  assert.equal(after.records, before.records);
  assert.deepEqual(after.proposals, before.proposals);
});

test('actions give clear errors: locked identity, unknown DAO, unconfirmed rage quit', async () => {
  const [dao] = await json<DaoSummary[]>(['dao', 'list']);
  const locked = await runCli(['--data', node.dataDir, 'proposal', 'create', dao!.id, '--title', 'x']);
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, /^daomesh: The identity is locked\./);
  await json(['identity', 'unlock']);

  const unknown = await cli(['dao', 'show', 'A'.repeat(43), '--json']);
  assert.equal(unknown.code, 1);
  assert.equal((JSON.parse(unknown.stderr) as { error: { code: string } }).error.code, 'DAO_NOT_FOUND');
  // One id in 64 starts with "-": it is still an id, not an option.
  const dashed = await cli(['dao', 'show', `-${'A'.repeat(42)}`, '--json']);
  assert.equal((JSON.parse(dashed.stderr) as { error: { code: string } }).error.code, 'DAO_NOT_FOUND');
  const malformed = await cli(['dao', 'show', 'not-an-id']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /record id/);

  const unconfirmed = await cli(['rage-quit', dao!.id]);
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /--yes/);
  const quit = await cli(['rage-quit', dao!.id, '--yes']);
  assert.equal(quit.code, 0, quit.stderr);
  // The only member leaves with the whole of the books.
  assert.match(quit.stdout, /^left the DAO \([A-Za-z0-9_-]{43}\) with a claim on 100% of the books \((\d+) of \1 shares\)\n$/);
  const view = await json<DaoView>(['dao', 'show', dao!.id]);
  assert.equal(view.memberCount, 0);
  assert.equal(view.isMember, false);
  const me = (await json<{ address: string }>(['status'])).address;
  assert.deepEqual(
    view.exits.map((exit) => [exit.member, exit.reason, exit.claimBps, exit.shares === exit.totalShares, exit.duringGraceOf]),
    [[me, 'ragequit', 10_000, true, []]],
  );
  assert.match((await cli(['dao', 'show', dao!.id])).stdout, new RegExp(`\n  left \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: ${me}  rage quit, claim 100% of the books \\(\\d+ of \\d+ shares\\)\n`));
  const nobody = await cli(['dao', 'members', dao!.id]);
  assert.equal(nobody.stdout, 'no members: everyone has left or been removed\n');
  const afterQuit = await cli(['proposal', 'create', dao!.id, '--title', 'still here?', '--json']);
  assert.equal((JSON.parse(afterQuit.stderr) as { error: { code: string } }).error.code, 'NOT_A_MEMBER');
});

test('quadratic voting: n votes cost n² of the epoch’s voice credits', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Quad Club', '--preset', 'quadratic']);
  assert.equal((await json<DaoView>(['dao', 'show', dao])).myCredits, 100);
  const { proposal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Fund the well']);
  await json(['vote', dao, proposal, 'yes', '--votes', '6']);
  const view = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(view.myCredits, 64);
  assert.equal(view.proposals[0]!.tally.yes, 6);
  const shown = (await cli(['proposal', 'show', dao, proposal])).stdout;
  assert.match(shown, /^ {2}your vote: yes \(6 votes\)$/m);
  // A changed ballot replaces this one: it may still cost the whole epoch's credits.
  assert.match(shown, /^ {2}credits your ballot here may cost: 100 \(n votes cost n²\)$/m);
});

/** The fields of `rules` that `expected` names (the view may grow fields a test does not set). */
function pick(rules: DaoRulesView, expected: Partial<DaoRulesView>): Partial<DaoRulesView> {
  return Object.fromEntries(Object.keys(expected).map((key) => [key, rules[key as keyof DaoRulesView]]));
}

test('a rules change: one option per rule, voted, signed, and in force once the grace period is over', async () => {
  const day = 24 * 3600 * 1000;
  // Lazy consensus passes unless members object, so the test does not race the short voting period.
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Rule Makers', '--preset', 'lazy-consensus', '--voting-period', '2s', '--grace-period', '1s']);
  const { proposal } = await json<{ proposal: string }>([
    ...['proposal', 'create', dao, '--title', 'Quadratic from now on', '--kind', 'rules.change'],
    ...['--voting-mode', 'quadratic', '--quorum', '60', '--threshold', '66.67', '--credits-per-epoch', '49', '--epoch', '7d'],
    ...['--voting-period', '1h', '--grace-period', '30m', '--member-cap', '9', '--signature-threshold', '1'],
    ...['--reputation-half-life', '30d', '--treasury-share', '12.5%', '--income-split', 'equal'],
  ]);
  // No vote: silence passes it, and a vote after the 2 s period would be refused (the node writes no ignored record).
  const expected: Partial<DaoRulesView> = {
    votingMode: 'quadratic',
    quorumBps: 6000,
    thresholdBps: 6667,
    creditsPerEpoch: 49,
    epochMs: 7 * day,
    votingPeriodMs: 3600_000,
    gracePeriodMs: 1800_000,
    memberCap: 9,
    signatureThreshold: 1,
    reputationHalfLifeMs: 30 * day,
    income: { treasuryBps: 1250, split: 'equal' },
  };
  const proposed = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.equal(proposed.kind, 'rules.change');
  assert.ok(proposed.params?.kind === 'rules.change');
  assert.deepEqual(pick(proposed.params.rules as DaoRulesView, expected), expected);
  assert.equal((await json<DaoView>(['dao', 'show', dao])).rules.votingMode, 'lazy', 'nothing changes before the result');
  // In words: each rule it changes, from the one in force now, as `dao show` words rules.
  const proposedText = (await cli(['proposal', 'show', dao, proposal])).stdout;
  assert.match(proposedText, /^ {2}changes the rules, from those in force now:$/m);
  assert.match(proposedText, /^ {2}voting: lazy \(rejected once [\d.]+% of members object\) → quadratic \(quorum 60%, threshold 66\.67%, 49 credits per 7d\)$/m);
  assert.match(proposedText, /^ {2}voting period: 2s → 1h$/m);
  assert.match(proposedText, /^ {2}grace period: 1s → 30m$/m);
  assert.match(proposedText, /^ {2}member cap: 15 → 9$/m);
  assert.match(proposedText, /^ {2}reputation: does not fade → halves every 30d$/m);
  assert.match(proposedText, /^ {2}treasury share of income: [\d.]+% → 12\.5%$/m);
  assert.match(proposedText, /^ {2}note: a new half-life applies to all reputation, past grants too: the points members hold change at once$/m);

  await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined));
  await json(['tally', 'sign', dao, proposal]);
  const { executesAt } = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.ok(executesAt !== null, 'the signed result sets when the change takes effect');
  // A passed proposal executes in the first record that claims a time after its grace period
  // (core/governance/README.md); with nobody writing, the node writes one itself.
  const executed = await waitFor('the new rules in force', async () => {
    const shown = await json<DaoView>(['dao', 'show', dao]);
    return shown.rules.votingMode === 'quadratic' ? shown : undefined;
  });
  assert.ok(Date.now() > executesAt);
  assert.deepEqual(pick(executed.rules, expected), expected);
  assert.equal(executed.proposals.find((entry) => entry.id === proposal)?.status, 'executed');
  // In effect, it says what it set (comparing with the rules in force now would find nothing changed).
  const setText = (await cli(['proposal', 'show', dao, proposal])).stdout;
  assert.match(setText, /^ {2}set these rules:\n {2}voting: quadratic \(quorum 60%, threshold 66\.67%, 49 credits per 7d\)\n {2}voting period: 1h\n {2}grace period: 30m\n {2}member cap: 9\n/m);
  assert.match(setText, /^ {2}reputation: halves every 30d\n {2}treasury share of income: 12\.5%\n {2}rest of income: split equally$/m);
  // The rules as people read them: durations in the units the options take.
  const shown = await cli(['dao', 'show', dao]);
  assert.match(shown.stdout, /^ {2}voting: quadratic \(quorum 60%, threshold 66.67%, 49 credits per 7d\), period 1h, grace 30m, a result is final with 1 signature$/m);
  assert.match(shown.stdout, /^ {2}reputation: halves every 30d$/m);

  const { proposal: next } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Under the new rules']);
  const view = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(view.proposals.find((entry) => entry.id === next)?.votingMode, 'quadratic', 'a proposal made after the change votes by the new rules');

  // Only what the options name changes: the income split stays the one now in force.
  const { proposal: last } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Less', '--kind', 'rules.change', '--reputation-half-life', 'none', '--treasury-share', '5']);
  const lastView = await json<ProposalView>(['proposal', 'show', dao, last]);
  assert.ok(lastView.params?.kind === 'rules.change');
  // The proposal names only the rules it changes; with those in force it leads to the rest unchanged.
  assert.deepEqual(lastView.params.rules, { reputationHalfLifeMs: null, income: { treasuryBps: 500, split: 'equal' } });
  // Two changes open at once: each says the other may change what it leads to.
  const { proposal: another } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Smaller', '--kind', 'rules.change', '--member-cap', '8']);
  const anotherText = (await cli(['proposal', 'show', dao, another])).stdout;
  assert.match(anotherText, new RegExp(`^ {2}note: 1 other rules change is pending \\(${last}\\): each applies on top of the rules in force when it takes effect$`, 'm'));
  assert.doesNotMatch(anotherText, /half-life/);
});

test('a voting mode per proposal kind: set when founding, changed by a rules change', async () => {
  const { dao } = await json<{ dao: string }>([
    ...['dao', 'create', '--name', 'Kind Rules', '--preset', 'lazy-consensus', '--voting-period', '2s', '--grace-period', '1s'],
    ...['--kind-voting', 'member.remove=supermajority', '--kind-voting', ' signal = quadratic '],
  ]);
  const founded = await json<DaoView>(['dao', 'show', dao]);
  assert.deepEqual(Object.keys(founded.rules.votingByKind).sort(), ['member.remove', 'signal']);
  assert.deepEqual(
    [founded.rules.votingByKind['member.remove']?.votingMode, founded.rules.votingByKind['member.remove']?.thresholdBps, founded.rules.votingByKind.signal?.votingMode],
    ['majority', 6666, 'quadratic'],
  );
  const shown = await cli(['dao', 'show', dao]);
  assert.match(shown.stdout, /^ {2}member\.remove votes: majority \(quorum 50%, threshold 66\.66%\)$/m);
  assert.match(shown.stdout, /^ {2}signal votes: quadratic \(quorum 50%, threshold 50%, 100 credits per 30d\)$/m);
  assert.match(shown.stdout, /^ {2}income: 20% to the treasury, rest split by shares$/m);
  assert.match(shown.stdout, /^ {2}0 proposals, 0 ignored records, state /m);
  const { proposal: signal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'A signal']);
  assert.equal((await json<ProposalView>(['proposal', 'show', dao, signal])).votingMode, 'quadratic');
  // The proposal says by which numbers it is decided: its kind's own mode here.
  assert.match((await cli(['proposal', 'show', dao, signal])).stdout, /^ {2}votes by: quadratic \(quorum 50%, threshold 50%, 100 credits per 30d\)$/m);

  // signal back to the DAO's mode, member.add its own; member.remove, not named, keeps its mode.
  const { proposal } = await json<{ proposal: string }>([
    ...['proposal', 'create', dao, '--title', 'Kinds', '--kind', 'rules.change'],
    ...['--kind-voting', 'signal=dao', '--kind-voting', 'member.add=reputation-weighted'],
  ]);
  await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined));
  await json(['tally', 'sign', dao, proposal]);
  const changed = await waitFor('the new modes in force', async () => {
    const view = await json<DaoView>(['dao', 'show', dao]);
    return view.proposals.find((entry) => entry.id === proposal)?.status === 'executed' ? view : undefined;
  });
  assert.deepEqual(Object.keys(changed.rules.votingByKind).sort(), ['member.add', 'member.remove']);
  assert.deepEqual(changed.rules.votingByKind['member.remove'], founded.rules.votingByKind['member.remove']);
  assert.equal(changed.rules.votingByKind['member.add']?.votingMode, 'reputation');
  const { proposal: later } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Another signal']);
  assert.equal((await json<ProposalView>(['proposal', 'show', dao, later])).votingMode, 'lazy');

  const refused = await cli(['dao', 'create', '--name', 'Wrong Kinds', '--kind-voting', 'vote=lazy-consensus']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^daomesh: --kind-voting takes a proposal kind before the =/);
});

test('a passed proposal that cannot take effect says why in `proposal show`', async () => {
  // Two admissions pass together in a DAO with room for one more member: the second finds it full. Both results
  // are signed within the grace period, while one signature still makes a result final.
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Tiny', '--preset', 'lazy-consensus', '--member-cap', '2', '--voting-period', '2s', '--grace-period', '15s']);
  const admit = async (member: string) => (await json<{ proposal: string }>(['proposal', 'create', dao, '--title', `Admit ${member.slice(0, 6)}`, '--kind', 'member.add', '--member', member, '--shares', '10'])).proposal;
  const proposals = [await admit(`0x${'1'.repeat(40)}`), await admit(`0x${'2'.repeat(40)}`)];
  for (const proposal of proposals) {
    await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined));
  }
  for (const proposal of proposals) await json(['tally', 'sign', dao, proposal]);
  const settled = await waitFor('both to settle', async () => {
    const view = await json<DaoView>(['dao', 'show', dao]);
    const statuses = proposals.map((id) => view.proposals.find((entry) => entry.id === id)?.status);
    return statuses.every((status) => status === 'executed' || status === 'failed') ? view : undefined;
  });
  const failed = settled.proposals.filter((entry) => proposals.includes(entry.id) && entry.status === 'failed');
  assert.equal(failed.length, 1, 'one admission fills the DAO, the other fails');
  assert.equal(failed[0]!.failure, 'member cap reached (2)');
  const shown = (await cli(['proposal', 'show', dao, failed[0]!.id])).stdout;
  assert.match(shown, /\[failed\] member\.add: /);
  assert.match(shown, /^ {2}could not take effect: member cap reached \(2\)$/m);
  const executed = settled.proposals.find((entry) => proposals.includes(entry.id) && entry.status === 'executed')!;
  assert.doesNotMatch((await cli(['proposal', 'show', dao, executed.id])).stdout, /could not take effect/);
});

test('a rules change that names a number the mode in force no longer has says which, by its option and the mode\'s CLI name', async () => {
  // Two rules changes pass together under lazy consensus: the first makes the DAO vote one member one vote, so the
  // second's objection share has no mode to apply to when it takes effect after it.
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Two Changes', '--preset', 'lazy-consensus', '--voting-period', '2s', '--grace-period', '0']);
  const change = async (title: string, ...options: string[]) => (await json<{ proposal: string }>(['proposal', 'create', dao, '--title', title, '--kind', 'rules.change', ...options])).proposal;
  const toMajority = await change('One member one vote', '--voting-mode', 'majority', '--quorum', '50', '--threshold', '50');
  const objection = await change('Fewer objections reject', '--objection', '20');
  // Under lazy consensus `proposal show` counts the objections against those that would reject.
  assert.match((await cli(['proposal', 'show', dao, objection])).stdout, /^ {2}objections: 0 of the 1 that reject \(25% of 1 member\)$/m);
  for (const proposal of [toMajority, objection]) {
    await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined));
  }
  for (const proposal of [toMajority, objection]) await json(['tally', 'sign', dao, proposal]);
  const failed = await waitFor('the second change to fail', async () => {
    const shown = await json<ProposalView>(['proposal', 'show', dao, objection]);
    return shown.status === 'failed' ? shown : undefined;
  });
  assert.equal(failed.failure, 'objectionBps does not apply to the voting mode in force (majority)');
  assert.match((await cli(['proposal', 'show', dao, objection])).stdout, /^ {2}could not take effect: --objection does not apply to the voting mode in force \(majority\)$/m);
});

test('dao text: a text over the limit is refused as too long, naming the limit, before the node is asked', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Long Winded']);
  for (const option of ['--set', '--append']) {
    const refused = await cli(['dao', 'text', dao, option, 'x'.repeat(20_001), '--json']);
    assert.equal(refused.code, 1);
    assert.deepEqual(JSON.parse(refused.stderr), {
      error: { code: 'TEXT_TOO_LONG', message: 'That text is 20,001 characters long; a text may hold at most 20,000.', hint: 'Shorten it, or split it into several drafts.' },
    });
  }
  assert.equal((await json<{ text: string }>(['dao', 'text', dao])).text, '');
  // A name the bridge refuses reads as what the field takes, not as zod's report.
  const unnamed = await cli(['dao', 'create', '--name', 'x'.repeat(81)]);
  assert.equal(unnamed.stderr, 'daomesh: Refused: name must have at most 80 characters.\n');
});

test('a rules change with a bad option is refused with one line, and nothing is proposed', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Careful Club']);
  const propose = (...options: string[]) => cli(['proposal', 'create', dao, '--title', 'New rules', ...options]);
  const refusals: [string[], RegExp][] = [
    [['--kind', 'rules.change', '--quorum', '120'], /^daomesh: --quorum takes a percentage from 0 to 100 with at most two decimals, not "120"\. For example 50 or 66\.67\.\n$/],
    [['--kind', 'rules.change', '--threshold', '66.667'], /^daomesh: --threshold takes a percentage/],
    [['--kind', 'rules.change', '--grace-period', 'soon'], /^daomesh: --grace-period takes a duration, not "soon"\./],
    [['--kind', 'rules.change', '--member-cap', '0'], /^daomesh: --member-cap takes a whole number from 1 to 1000, not "0"\./],
    [['--kind', 'rules.change', '--voting-mode', 'dictator'], /^daomesh: --voting-mode takes majority, reputation, quadratic or lazy, not "dictator"\./],
    [['--kind', 'rules.change'], /^daomesh: A rules.change proposal needs at least one rule to change\. Give one or more of --voting-mode, --quorum/],
    [['--kind', 'rules.change', '--objection', '25'], /^daomesh: --objection applies only to lazy voting; the DAO would use majority voting\. Add --voting-mode lazy/],
    [['--kind', 'rules.change', '--voting-mode', 'lazy'], /^daomesh: Moving from majority to lazy voting needs --objection/],
    [['--kind', 'rules.change', '--member-cap', '15'], /^daomesh: These rules are already in force/],
    [['--quorum', '40'], /^daomesh: Rule options go only with --kind rules.change, not signal: --quorum\./],
    [['--member', address, '--shares', '5'], /^daomesh: A signal proposal takes no --member, --shares\. --member goes with --kind member\.add, member\.remove or reputation\.grant; leave it out here\.\n$/],
    [['--kind', 'member.remove', '--member', address, '--text', 'why'], /^daomesh: A member\.remove proposal takes no --text\. --text goes with --kind signal/],
    [['--kind-voting', 'signal=lazy-consensus'], /^daomesh: Rule options go only with --kind rules.change, not signal: --kind-voting\./],
    [['--kind', 'rules.change', '--kind-voting', 'member.remove'], /^daomesh: --kind-voting takes kind=preset, not "member.remove"\. For example member.remove=supermajority/],
    [['--kind', 'rules.change', '--kind-voting', 'boss=lazy-consensus'], /^daomesh: --kind-voting takes a proposal kind before the = \(member.add, member.remove/],
    [['--kind', 'rules.change', '--kind-voting', 'signal=dictator'], /^daomesh: --kind-voting takes a preset after the = \(simple-majority, .*, or dao\), not "signal=dictator"\./],
    [['--kind', 'rules.change', '--kind-voting', 'signal=quadratic=x'], /^daomesh: --kind-voting takes a preset after the = \(simple-majority, .*, or dao\), not "signal=quadratic=x"\./],
    [['--kind', 'rules.change', '--kind-voting', 'signal=quadratic', '--kind-voting', 'signal=dao'], /^daomesh: --kind-voting names signal twice: quadratic and dao\./],
    [['--kind', 'rules.change', '--kind-voting', 'signal=dao'], /^daomesh: These rules are already in force/],
  ];
  for (const [options, message] of refusals) {
    const refused = await propose(...options);
    assert.equal(refused.code, 1, `refused: ${options.join(' ')}`);
    assert.match(refused.stderr, message);
  }
  const asJson = await propose('--kind', 'rules.change', '--signature-threshold', 'two', '--json');
  assert.equal(asJson.code, 1);
  assert.deepEqual(JSON.parse(asJson.stderr), {
    error: { code: 'BAD_REQUEST', message: '--signature-threshold takes a whole number from 1 to 1000, not "two".' },
  });
  assert.deepEqual((await json<DaoView>(['dao', 'show', dao])).proposals, []);
});
