// The DAO screens end to end in web mode: create a DAO, make a proposal, vote, see the tally; reload and
// find everything still there, also while the host does not answer (the UI's own replica in IndexedDB);
// voting modes per proposal kind. A real host, the real UI, Debian's Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { maxStateVectorChars, type DaoView, type ProposalView } from '../core/bridge/api.ts';
import { createDaoDoc, ledgerRecords } from '../core/dao/dao-doc.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, Scenario } from '../core/governance/test-dao.ts';
import { decodeTrustedEntries, feedLedger } from '../app/daos/ledger-feed.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { chooseOption, launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCli, runCliJson, startUiNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-dao');
let node: RunningNode;
let browser: Browser;
let page: Page;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startUiNode();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('create a DAO, make a proposal, vote, see the tally; a reload keeps it all', async () => {
  await page.getByTestId('nav-daos').click();
  await page.getByTestId('dao-create-open').click();
  await page.getByTestId('dao-name').fill('Garden Club');
  await page.getByTestId('dao-charter').fill('We grow food together.');
  await chooseOption(page, 'dao-preset', { name: 'Supermajority' });
  await page.getByTestId('dao-create-submit').click();

  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('dao-title').textContent(), 'Garden Club');
  assert.equal(await page.getByTestId('member-row').count(), 1);

  await page.getByTestId('proposal-new').click();
  await page.getByTestId('proposal-title').fill('Buy seeds');
  await page.getByTestId('proposal-text').fill('Tomatoes and beans for spring.');
  await page.getByTestId('proposal-submit').click();
  // A new proposal opens on its own page.
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('proposal-heading').textContent(), 'Buy seeds');
  await page.getByTestId('vote-yes').click();
  await page.getByTestId('vote-yes').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('tally-yes').textContent(), '1');
  assert.equal(await page.getByTestId('tally-no').textContent(), '0');
  await page.screenshot({ path: join(screenshots, 'proposal.png'), fullPage: true });

  // The host agrees with what the page shows.
  const listed = await runCli(['--data', node.dataDir, 'dao', 'list', '--json']);
  const [dao] = JSON.parse(listed.stdout) as Array<{ id: string; name: string }>;
  assert.equal(dao?.name, 'Garden Club');
  const proposals = JSON.parse((await runCli(['--data', node.dataDir, 'proposal', 'list', dao!.id, '--json'])).stdout) as Array<{ title: string; tally: { yes: number } }>;
  assert.deepEqual(proposals.map((entry) => [entry.title, entry.tally.yes]), [['Buy seeds', 1]]);

  await page.reload();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('tally-yes').textContent(), '1');
  await page.getByTestId('proposal-back').click();
  await page.getByTestId('dao-home').waitFor();
  assert.equal(await page.getByTestId('proposal-row').count(), 1);
  await page.screenshot({ path: join(screenshots, 'dao-home.png'), fullPage: true });
});

test('with the host held back, a reload opens the DAO list, the DAO and its proposal from IndexedDB; then what changed meanwhile arrives', async () => {
  const dao = (await runCliJson<Array<{ id: string; name: string }>>(['--data', node.dataDir, 'dao', 'list'])).find((entry) => entry.name === 'Garden Club');
  assert.ok(dao);

  // A routed WebSocket that is not connected to the server is open for the page but never answers: the host
  // "has not answered yet", for as long as the test likes.
  let holding = true;
  const held: WebSocketRoute[] = [];
  await page.routeWebSocket(
    (url) => url.pathname === '/api',
    (socket) => {
      if (!holding) {
        socket.connectToServer();
        return;
      }
      held.push(socket);
      socket.onMessage(() => {});
    },
  );
  // The page never listed the DAO after founding it (the list last showed empty): it knows it because it opened it.
  await page.reload();
  await page.getByTestId('nav-daos').click();
  const card = page.locator(`[data-testid="dao-card"][data-dao="${dao.id}"]`);
  await card.waitFor({ timeout: 15_000 });
  assert.ok(held.length > 0, 'the page is talking to the held socket');
  assert.equal(await card.getByTestId('dao-card-name').textContent(), 'Garden Club');
  await card.click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('dao-title').textContent(), 'Garden Club');
  assert.equal(await page.getByTestId('proposal-row').count(), 1);
  await page.getByTestId('proposal-row').click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('proposal-heading').textContent(), 'Buy seeds');
  assert.equal(await page.getByTestId('tally-yes').textContent(), '1');
  assert.equal(await page.getByTestId('vote-yes').getAttribute('aria-pressed'), 'true', 'my vote, from the replica and the remembered address');
  await page.screenshot({ path: join(screenshots, 'held-back.png'), fullPage: true });

  // Meanwhile, through the CLI: a second proposal. The page cannot know yet.
  const created = await runCliJson<{ proposal: string }>(['--data', node.dataDir, 'proposal', 'create', dao.id, '--title', 'Plant trees', '--text', 'Two apple trees by the gate.']);
  await page.getByTestId('proposal-back').click();
  await page.getByTestId('dao-home').waitFor();
  assert.equal(await page.getByTestId('proposal-row').count(), 1);

  // Let it connect: the held socket closes, the page reconnects (to the real host now) and syncs.
  holding = false;
  for (const socket of held) await socket.close({ code: 1001, reason: 'test lets the host answer' });
  await page.locator(`[data-testid="proposal-row"][data-proposal="${created.proposal}"]`).waitFor({ timeout: 20_000 });
  assert.equal(await page.getByTestId('proposal-row').count(), 2);
  await page.screenshot({ path: join(screenshots, 'caught-up.png'), fullPage: true });
});

test('voting per proposal kind: set in the wizard, shown in the rules, governs a proposal of that kind, and changed by a rules proposal', async () => {
  await page.getByTestId('nav-daos').click();
  await page.getByTestId('dao-create-open').click();
  await page.getByTestId('dao-name').fill('Tool Library');
  await page.getByTestId('dao-kind-modes-toggle').click();
  await chooseOption(page, 'dao-kind-modes-signal', { name: 'Lazy consensus', exact: true });
  await page.screenshot({ path: join(screenshots, 'kind-modes-wizard.png'), fullPage: true });
  await page.getByTestId('dao-create-submit').click();

  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  const daoId = await page.getByTestId('dao-home').getAttribute('data-dao');
  assert.equal(await page.getByTestId('rule-mode').textContent(), 'One member, one vote');
  assert.equal(await page.getByTestId('rule-kind-signal').getAttribute('data-mode'), 'lazy');
  assert.equal(await page.locator('[data-testid^="rule-kind-"]').count(), 1);
  await page.screenshot({ path: join(screenshots, 'kind-modes-rules.png'), fullPage: true });
  const shown = await runCliJson<DaoView>(['--data', node.dataDir, 'dao', 'show', daoId!]);
  assert.deepEqual(shown.rules.votingByKind, { signal: { votingMode: 'lazy', quorumBps: 0, thresholdBps: 0, objectionBps: 2500, creditsPerEpoch: 0, epochMs: 0 } });

  // A signal votes by lazy consensus: silence passes it. (Under the DAO's majority, no votes miss the quorum.)
  await page.getByTestId('proposal-new').click();
  await page.getByTestId('proposal-title').fill('Open on Sundays');
  await page.getByTestId('proposal-submit').click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('tally-mode').textContent(), 'Silence is consent: only objections can stop it.');
  // By which numbers: the signal's own mode, not the DAO's majority.
  assert.equal(await page.getByTestId('tally-rule').textContent(), 'Lazy consensus: rejected when 25% of members object');
  assert.equal(await page.getByTestId('tally-outcome').getAttribute('data-outcome'), 'passed');
  assert.equal(await page.getByTestId('vote-no').textContent(), 'Object');
  // Lazy consensus has no quorum: no quorum badge, but the objections so far against those that reject.
  assert.equal(await page.getByTestId('tally-quorum').count(), 0);
  assert.equal(await page.getByTestId('tally-objections-badge').textContent(), '0 of 1 objections');
  assert.equal(await page.getByTestId('tally-objections').textContent(), '1 objection rejects it (25% of the members who may vote, 1 in all).');
  await page.screenshot({ path: join(screenshots, 'lazy-tally.png'), fullPage: true });
  const [signal] = await runCliJson<ProposalView[]>(['--data', node.dataDir, 'proposal', 'list', daoId!]);
  assert.deepEqual([signal?.votingMode, signal?.tally.outcome], ['lazy', 'passed']);

  // A rules change sets another kind's mode; the change carries the whole map, so the signal's stays.
  await page.getByTestId('proposal-back').click();
  await page.getByTestId('proposal-new').click();
  await chooseOption(page, 'proposal-kind', { name: 'Change the rules' });
  await page.getByTestId('proposal-title').fill('Removals need two thirds');
  await page.getByTestId('proposal-rule-kind-modes-toggle').click();
  await chooseOption(page, 'proposal-rule-kind-modes-member.remove', { name: 'Supermajority', exact: true });
  await page.getByTestId('proposal-submit').click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  const change = await page.getByTestId('proposal-detail').getAttribute('data-proposal');
  // A rules change votes in the DAO's majority: a quorum, and no objections line.
  assert.equal(await page.getByTestId('tally-quorum').getAttribute('data-met'), 'false');
  assert.equal(await page.getByTestId('tally-objections').count(), 0);
  const proposed = await runCliJson<ProposalView>(['--data', node.dataDir, 'proposal', 'show', daoId!, change!]);
  const rules = proposed.params?.kind === 'rules.change' ? proposed.params.rules : null;
  assert.deepEqual(
    [rules?.votingByKind?.['member.remove']?.thresholdBps, rules?.votingByKind?.signal?.votingMode],
    [6666, 'lazy'],
  );
  // It names only the per-kind modes: the DAO's own mode is left as it is.
  assert.deepEqual(Object.keys(rules ?? {}), ['votingByKind']);
  await page.screenshot({ path: join(screenshots, 'kind-modes.png'), fullPage: true });
});

test('a rules change takes voting and grace periods of at most 90 days, as the create-DAO wizard does, and says so in words', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Slow Club', '--voting-period', '3d', '--grace-period', '1d']);
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Slow Club' }).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  await page.getByTestId('proposal-new').click();
  await chooseOption(page, 'proposal-kind', { name: 'Change the rules' });
  await page.getByTestId('proposal-title').fill('Take our time');
  await page.getByTestId('proposal-rule-voting-period').fill('999999');
  await page.getByTestId('proposal-rule-grace-period').fill('91');
  await page.getByTestId('proposal-submit').click();
  const tooLong = page.getByRole('dialog').getByText('Use at most 90 days, as when a DAO is founded.');
  await tooLong.nth(1).waitFor();
  assert.equal(await tooLong.count(), 2, 'both periods');
  await page.getByRole('dialog').screenshot({ path: join(screenshots, 'rules-period-too-long.png') });
  assert.equal(await page.getByTestId('form-error').count(), 0, "the form's own words, not the host's refusal");

  await page.getByTestId('proposal-rule-voting-period').fill('90');
  await page.getByTestId('proposal-rule-grace-period').fill('90');
  await page.getByTestId('proposal-submit').click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  const change = await page.getByTestId('proposal-detail').getAttribute('data-proposal');
  const proposed = await runCliJson<ProposalView>([...data, 'proposal', 'show', dao, change!]);
  const rules = proposed.params?.kind === 'rules.change' ? proposed.params.rules : null;
  assert.deepEqual([rules?.votingPeriodMs, rules?.gracePeriodMs], [90 * 24 * 3600 * 1000, 90 * 24 * 3600 * 1000]);
});

test('a passed proposal counts down to when it takes effect; then the node writes the record that executes it', async () => {
  const data = ['--data', node.dataDir];
  // Lazy consensus: silence passes it, so no vote has to beat the short voting period.
  const quick = ['--preset', 'lazy-consensus', '--voting-period', '2s', '--grace-period', '12s'];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Quick Club', ...quick]);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Start now']);
  // Signing the result is refused until the voting period is over.
  await waitFor('the tally to be signed', async () => ((await runCli([...data, 'tally', 'sign', dao, proposal])).code === 0 ? true : undefined), 15_000);

  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Quick Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  const note = page.getByTestId('effect-note');
  await note.and(page.locator('[data-elapsed="false"]')).waitFor({ timeout: 15_000 });
  assert.match((await note.textContent())!, /^Takes effect in \d+s$/);
  assert.match((await page.getByTestId('grace-countdown').textContent())!, /, in \d+s$/);
  assert.equal(await page.getByTestId('proposal-status').getAttribute('data-status'), 'passed');
  // A final result says who signed it, not a count against today's rule (members may come or go after).
  const signed = page.getByTestId('certificate-progress');
  assert.deepEqual([await signed.getAttribute('data-final'), await signed.textContent()], ['true', 'Signed by 1 member']);

  // Execution follows record times: nobody else writes here, so the node writes one record past the grace
  // period (its delegation again), and the fold then says executed. Until it lands the page says "Taking effect…",
  // and "In effect" only once the fold says so.
  await page.locator('[data-testid="proposal-status"][data-status="executed"]').waitFor({ timeout: 20_000 });
  assert.match((await page.getByTestId('grace-countdown').textContent())!, /^In effect since /);
  assert.equal(await note.count(), 0, 'the countdown note is for passed proposals only');
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.equal(shown.proposals.find((entry) => entry.id === proposal)?.status, 'executed', 'the host agrees');
  await page.screenshot({ path: join(screenshots, 'in-effect.png'), fullPage: true });
});

test('dao.sync over the local API: what a replica lacks, folding to the host\'s state; bad state vectors refused', async () => {
  const api = await connectApi(await readApiEndpoint(node.dataDir));
  try {
    const { dao: id } = await api.call('dao.create', { name: 'Sync Club', preset: 'simple-majority' });
    await api.call('dao.propose', { dao: id, title: 'Compare notes', params: { kind: 'signal', text: 'Same records, same state.' } });
    const dao = { id };
    const replica = createDaoDoc();
    const sync = async (): Promise<Uint8Array> => {
      const { update } = await api.call('dao.sync', { dao: dao.id, stateVector: base64.encode(Y.encodeStateVector(replica)) });
      const bytes = base64.decode(update);
      Y.applyUpdate(replica, bytes);
      return bytes;
    };
    const first = await sync();
    const ledger = new DaoLedger(dao.id);
    ledger.add([...ledgerRecords(replica)]);
    assert.equal(ledger.stateHash(), (await api.call('dao.get', { dao: dao.id })).stateHash);
    assert.ok((await sync()).length < first.length / 10, 'a replica in step gets next to nothing');

    await assert.rejects(api.call('dao.sync', { dao: dao.id, stateVector: base64.encode(new Uint8Array([0xff])) }), { code: 'BAD_REQUEST' });
    await assert.rejects(api.callRaw('dao.sync', { dao: dao.id, stateVector: 'A'.repeat(maxStateVectorChars + 4) }), { code: 'BAD_REQUEST' });
    await assert.rejects(api.call('dao.sync', { dao: 'A'.repeat(43), stateVector: 'AA==' }), { code: 'DAO_NOT_FOUND' });
  } finally {
    api.close();
  }
});

test('the UI replica folds the entries it can decode and skips the rest, never throwing', () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Skip the junk' });
  scenario.vote(bob, proposal, 'yes');
  const entries: Array<[string, unknown]> = scenario.records.map((record) => [record.id, record.bytes]);
  const [genesis, proposed] = scenario.records;
  entries.push(['A'.repeat(43), new Uint8Array([1, 2, 3])], ['B'.repeat(43), 'not bytes'], ['C'.repeat(43), proposed!.bytes]);

  const { records, skipped } = decodeTrustedEntries(entries);
  assert.deepEqual(skipped, ['A'.repeat(43), 'B'.repeat(43), 'C'.repeat(43)]);
  const ledger = new DaoLedger(scenario.daoId);
  assert.deepEqual(feedLedger(ledger, records, scenario.now), []);
  assert.equal(ledger.stateHash(), scenario.ledger.stateHash());
  // Newest first, as no document lists them: the same fold (the feed orders records by claimed time).
  const reversed = new DaoLedger(scenario.daoId);
  assert.deepEqual(feedLedger(reversed, [...records].reverse(), scenario.now), []);
  assert.equal(reversed.stateHash(), scenario.ledger.stateHash());
  assert.deepEqual(reversed.pendingIds(), []);

  // A record of another DAO folds into nothing here, and still does not throw.
  const other = new Scenario([bob], simpleMajority(1));
  const mixed = new DaoLedger(scenario.daoId);
  assert.doesNotThrow(() => feedLedger(mixed, [genesis!, other.genesis, ...records.slice(1)], scenario.now));
  assert.equal(mixed.state(scenario.now).proposals.length, 1);
});

test('quadratic voting in the UI: the credits control says what n votes cost and what the ballot may spend; a cleared or out-of-range field sends nothing', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Square Club', '--preset', 'quadratic']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'How much?']);
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Square Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  const cost = page.getByTestId('vote-credits-cost');
  const votes = page.getByTestId('vote-credits');
  assert.equal(await cost.textContent(), 'Costs 1 voice credit (1²) · 100 credits this vote may cost (in its epoch)');
  await votes.fill('5');
  await page.locator('[data-testid="vote-credits-cost"]', { hasText: 'Costs 25 voice credits (5²)' }).waitFor();
  // A cleared field is no number of votes: nothing can be sent until it is one.
  await votes.fill('');
  await page.locator('[data-testid="vote-yes"]:disabled').waitFor();
  // A number out of range is no ballot either: the control says the range, not what -5 votes "cost".
  await votes.fill('-5');
  assert.equal(await page.getByTestId('vote-credits-range').textContent(), 'Use 1 to 1,000 votes.');
  assert.equal(await cost.textContent(), '100 credits this vote may cost (in its epoch)');
  await page.locator('[data-testid="vote-yes"]:disabled').waitFor();
  await votes.fill('3');
  await page.getByTestId('vote-credits-range').waitFor({ state: 'detached' });
  await page.getByTestId('vote-yes').click();
  await page.locator('[data-testid="vote-mine"][data-choice="yes"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="tally-yes"]', { hasText: '3' }).waitFor({ timeout: 15_000 });
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.deepEqual(shown.proposals.find((entry) => entry.id === proposal)?.myVote, { choice: 'yes', votes: 3 });
  assert.equal(shown.myCredits, 100 - 9, 'three votes cost nine credits of the epoch');
  // Changing the ballot replaces it: this ballot may still spend the whole epoch's credits.
  assert.equal(shown.proposals.find((entry) => entry.id === proposal)?.myCredits, 100);
});

test('quadratic voting in the UI: votes costing more than the credits left are not offered, and the control says why', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Budget Club', '--preset', 'quadratic']);
  const { proposal: first } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'First']);
  await runCliJson([...data, 'vote', dao, first, 'yes', '--votes', '3']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Second']);
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Budget Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  // The first ballot spent 9 of the epoch's 100 credits: 91 are left, which pay for 9 votes (81), not 10 (100).
  await page.locator('[data-testid="vote-credits-cost"]', { hasText: '91 credits this vote may cost' }).waitFor({ timeout: 15_000 });
  const votes = page.getByTestId('vote-credits');
  await votes.fill('10');
  await page.locator('[data-testid="vote-credits-cost"]', { hasText: 'Costs 100 voice credits (10²)' }).waitFor();
  assert.equal(await page.getByTestId('vote-credits-over').textContent(), '10 votes cost 100 credits, more than this vote may cost. Use at most 9 votes.');
  for (const choice of ['yes', 'no', 'abstain']) assert.equal(await page.getByTestId(`vote-${choice}`).isDisabled(), true, choice);
  await page.getByTestId('vote-card').screenshot({ path: join(screenshots, 'vote-over-credits.png') });
  await votes.fill('9');
  await page.getByTestId('vote-credits-over').waitFor({ state: 'detached' });
  await page.getByTestId('vote-yes').click();
  await page.locator('[data-testid="vote-mine"][data-choice="yes"]').waitFor({ timeout: 15_000 });
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.deepEqual(shown.proposals.find((entry) => entry.id === proposal)?.myVote, { choice: 'yes', votes: 9 });
  assert.equal(shown.myCredits, 100 - 9 - 81);
});

test('the forms to admit, reward and remove a member propose what they say; a rage quit confirmed in its dialog takes this member out', async () => {
  const data = ['--data', node.dataDir];
  const [bob, carol] = [actor('bob').key.address, actor('carol').key.address];
  // A short voting period: the proposals are closed, waiting for signatures, by the time this member leaves.
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Form Club', '--founder', bob, '--voting-period', '2s']);
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Form Club' }).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });

  const propose = async (kind: string, title: string, fill: () => Promise<void>): Promise<ProposalView> => {
    await page.getByTestId('proposal-new').click();
    await chooseOption(page, 'proposal-kind', { name: kind, exact: true });
    await page.getByTestId('proposal-title').fill(title);
    await fill();
    await page.getByTestId('proposal-submit').click();
    await page.locator('[data-testid="proposal-heading"]', { hasText: title }).waitFor({ timeout: 15_000 });
    const id = await page.getByTestId('proposal-detail').getAttribute('data-proposal');
    await page.getByTestId('proposal-back').click();
    await page.getByTestId('dao-home').waitFor();
    return await runCliJson<ProposalView>([...data, 'proposal', 'show', dao, id!]);
  };
  const admit = await propose('Add a member', 'Welcome Carol', async () => {
    await page.getByTestId('proposal-member').fill(carol);
    await page.getByTestId('proposal-shares').fill('50');
  });
  assert.deepEqual(admit.params, { kind: 'member.add', member: carol, shares: 50 });
  const grant = await propose('Grant reputation', 'Thanks, Bob', async () => {
    await page.getByTestId('proposal-member').fill(bob);
    await page.getByTestId('proposal-points').fill('7');
  });
  assert.deepEqual(grant.params, { kind: 'reputation.grant', member: bob, points: 7 });
  const removal = await propose('Remove a member', 'Goodbye Bob', async () => {
    await page.getByTestId('proposal-member').fill(bob.slice(0, 8));
    // The field suggests the DAO's members: take Bob from the list (it would cover the button otherwise).
    await page.locator(`[data-combobox-option="true"][value="${bob}"]`).click();
  });
  assert.deepEqual(removal.params, { kind: 'member.remove', member: bob });

  const me = (await runCliJson<{ address: string }>([...data, 'status'])).address;
  assert.equal(await page.locator(`[data-testid="member-row"][data-address="${me}"]`).count(), 1);
  assert.equal(await page.getByTestId('rule-signatures').textContent(), 'Signed by 2 members');
  await page.getByTestId('ragequit-open').click();
  assert.ok(!(await page.getByTestId('ragequit-confirm').isEnabled()), 'not before the name is typed');
  assert.equal(await page.getByTestId('ragequit-last-member').count(), 0, 'Bob stays: not the last member');
  await page.getByTestId('ragequit-confirm-input').fill('Form Club');
  await page.getByTestId('ragequit-confirm').click();
  await page.locator(`[data-testid="member-row"][data-address="${me}"]`).waitFor({ state: 'detached', timeout: 15_000 });
  const after = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.deepEqual(after.members.map((member) => member.address), [bob]);
  // Two founders of 100 shares each: this member left with half of the books, and the page says so.
  assert.deepEqual(after.exits.map((exit) => [exit.member, exit.reason, exit.shares, exit.totalShares, exit.claimBps]), [[me, 'ragequit', 100, 200, 5000]]);
  const row = page.locator(`[data-testid="exit-row"][data-address="${me}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.deepEqual([await row.getAttribute('data-reason'), await row.getAttribute('data-claim-bps')], ['ragequit', '5000']);
  assert.equal(await row.getByTestId('exit-claim').textContent(), '50%');
  assert.match((await row.textContent()) ?? '', /Rage quit.*100 of 200 shares/);
  assert.match((await page.getByTestId('dao-my-exit').textContent()) ?? '', /^You left this DAO on .+ with a claim on 50% of its books \(100 of 200 shares\)\.$/);
  // This node no longer syncs the DAO, and says so rather than "Offline" (waiting for peers).
  await page.locator('[data-testid="dao-sync"][data-left="true"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('sync-state').first().textContent(), 'Not syncing');
  assert.doesNotMatch((await page.getByTestId('sync-details').textContent()) ?? '', /Not synced with another node yet/, 'nor as if it were about to sync');
  // One member is left: a result needs their signature alone, whatever the rule set for two says.
  assert.equal(after.signaturesNeeded, 1);
  assert.match((await page.getByTestId('rule-signatures').textContent()) ?? '', /^Signed by 1 member \(the rule says 2; a result always needs more than half of the members, and at most all\)$/);
  await page.screenshot({ path: join(screenshots, 'after-rage-quit.png'), fullPage: true });
  // A closed proposal nobody has signed yet asks for the signatures a result needs now, not the rule's two.
  await page.locator(`[data-testid="proposal-row"][data-proposal="${admit.id}"]`).click();
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${admit.id}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('certificate-progress').textContent(), '0 of 1 signatures');
  await page.getByTestId('proposal-back').click();
});

test('a DAO near its member cap says so on its page, suggesting a sub-DAO or an alliance; one with room does not', async () => {
  const data = ['--data', node.dataDir];
  const founders = ['dan', 'erin'].flatMap((name) => ['--founder', actor(name).key.address]);
  const { dao: full } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Nearly Full', '--member-cap', '5', ...founders]);
  const { dao: roomy } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Roomy', '--member-cap', '6', ...founders]);
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${full}"]`).click();
  const notice = page.getByTestId('near-cap-notice');
  await notice.waitFor({ timeout: 15_000 });
  assert.match((await notice.textContent())!, /^3 of 5 members: this DAO is nearly full.*sub-DAO.*alliance/);
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${roomy}"]`).click();
  await page.locator(`[data-testid="dao-home"][data-dao="${roomy}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await notice.count(), 0);
});

test('records the DAO keeps without effect are listed on its page with the reason, folded away until asked for', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Second Thoughts']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Paint it blue']);
  // Changed twice: the first two votes are superseded, kept as evidence.
  for (const choice of ['yes', 'no', 'yes']) await runCliJson([...data, 'vote', dao, proposal, choice]);
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.equal(shown.evidence.length, 2);
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  const card = page.getByTestId('evidence-list');
  await page.locator('[data-testid="evidence-count"]', { hasText: '2' }).waitFor({ timeout: 15_000 });
  assert.equal(await card.getAttribute('data-open'), 'false');
  await page.getByTestId('evidence-toggle').click();
  const rows = page.getByTestId('evidence-row');
  await rows.nth(1).waitFor();
  const listed: Array<string | null> = [];
  for (let row = 0; row < (await rows.count()); row++) listed.push(await rows.nth(row).getAttribute('data-record'));
  assert.deepEqual(listed.sort(), shown.evidence.map((entry) => entry.recordId).sort());
  // In words, not the record's kind and the fold's reason as they travel (those ride on the row).
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allInnerTexts();
    assert.deepEqual([cells[0], cells[2]], ['Vote', 'superseded by the member’s later vote']);
    assert.deepEqual([await row.getAttribute('data-kind'), await row.getAttribute('data-reason')], ['vote', shown.evidence[0]!.reason]);
  }
});

test('a voting period that ends while another screen shows still moves the proposal on, without a reload', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Away Club', '--voting-period', '6s']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Decide while away']);
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Away Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.locator('[data-testid="proposal-detail"][data-status="open"]').waitFor({ timeout: 15_000 });
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  const endsAt = shown.proposals.find((entry) => entry.id === proposal)!.votingEndsAt;

  // Away from the DAO until its voting period is over: no screen of it asks for a refresh at the deadline.
  await page.getByTestId('nav-daos').click();
  await page.locator('[data-testid="dao-card"]', { hasText: 'Away Club' }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, endsAt - Date.now()) + 2_000));
  await page.locator('[data-testid="dao-card"]', { hasText: 'Away Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  // At once (well before any other sync could refresh it): the replica derived its views again at the deadline.
  await page.locator('[data-testid="proposal-detail"]:not([data-status="open"])').waitFor({ timeout: 2_000 });
});

test('withdrawing a proposal asks first: cancelling keeps it open, confirming withdraws it', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Second Guess']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Repaint the shed']);
  const status = async (): Promise<string | undefined> =>
    (await runCliJson<DaoView>([...data, 'dao', 'show', dao])).proposals.find((entry) => entry.id === proposal)?.status;
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.locator('[data-testid="proposal-detail"][data-status="open"]').waitFor({ timeout: 15_000 });

  await page.getByTestId('proposal-withdraw').click();
  const dialog = page.getByTestId('withdraw-dialog');
  await dialog.waitFor({ timeout: 5_000 });
  assert.match((await dialog.textContent()) ?? '', /Repaint the shed.*This cannot be undone/);
  await page.getByRole('dialog').screenshot({ path: join(screenshots, 'withdraw-dialog.png') });
  await page.getByTestId('withdraw-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await status(), 'open', 'opening the dialog and cancelling withdraws nothing');
  assert.equal(await page.getByTestId('proposal-detail').getAttribute('data-status'), 'open');

  await page.getByTestId('proposal-withdraw').click();
  await page.getByTestId('withdraw-confirm').click();
  await page.locator('[data-testid="proposal-detail"][data-status="withdrawn"]').waitFor({ timeout: 15_000 });
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await status(), 'withdrawn');
});

test('the rage quit dialog tells the last member that the DAO will have no members and that they take all of the books', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Solo Club']);
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 15_000 });
  await page.getByTestId('ragequit-open').click();
  const warning = page.getByTestId('ragequit-last-member');
  await warning.waitFor({ timeout: 5_000 });
  assert.match((await warning.textContent()) ?? '', /last member.*no members.*nobody can propose, vote, sign a result or admit anyone ever again/);
  assert.equal(await page.getByTestId('ragequit-share').textContent(), 'You leave with all of the DAO’s books: all 100 of its shares. Your shares are then removed.');
  await page.getByRole('dialog').screenshot({ path: join(screenshots, 'rage-quit-last-member.png') });
  // The same confirmation as for anyone: the DAO's name, typed.
  assert.ok(!(await page.getByTestId('ragequit-confirm').isEnabled()));
  await page.getByTestId('ragequit-confirm-input').fill('Solo Club');
  await page.getByTestId('ragequit-confirm').click();
  await page.getByTestId('dao-my-exit').waitFor({ timeout: 15_000 });
  const after = await runCliJson<DaoView>([...data, 'dao', 'show', dao]);
  assert.deepEqual([after.memberCount, after.exits.map((exit) => exit.claimBps)], [0, [10_000]]);
});

test('a DAO whose results wait for this member\'s signature says so on its card in the list, until they are signed', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Sign Club', '--voting-period', '2s']);
  const { proposal: first } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Fix the fence']);
  const { proposal: second } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Paint the gate']);
  await page.getByTestId('nav-daos').click();
  const card = page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`);
  await card.waitFor({ timeout: 15_000 });
  // Once the voting period is over, both results wait for this member, the only one, to sign.
  const badge = card.getByTestId('dao-card-to-sign');
  await card.locator('[data-testid="dao-card-to-sign"][data-count="2"]').waitFor({ timeout: 15_000 });
  assert.equal(await badge.textContent(), '2 results to sign');
  await card.screenshot({ path: join(screenshots, 'dao-card-to-sign.png') });

  await card.click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${first}"]`).click();
  await page.getByTestId('tally-sign').click();
  await page.getByTestId('certificate-signed').waitFor({ timeout: 15_000 });
  await page.getByTestId('nav-daos').click();
  await card.locator('[data-testid="dao-card-to-sign"][data-count="1"]').waitFor({ timeout: 15_000 });
  assert.equal(await badge.textContent(), '1 result to sign');

  await runCliJson([...data, 'tally', 'sign', dao, second]);
  await badge.waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await card.getByTestId('dao-card-open').textContent(), 'No open proposals');
});
