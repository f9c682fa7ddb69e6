// Why things did not count, in the reader's language: the DAO's ignored records (their kind and the fold's reason)
// and a passed proposal that could not take effect (why not, with the number in it), read in zh-Hant. A real host
// in web mode and Debian's Chromium set to a Taiwanese locale; the DAO's records, a history no single node of ours
// could write alone (two admissions passed concurrently past the member cap), reach the page through a routed
// bridge socket, as a member's node would send them.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { reasons } from '../core/governance/reasons.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, day, hour, Scenario, type Actor } from '../core/governance/test-dao.ts';
import { launchChromium } from './fixtures/browser.ts';
import { goToRoute, serveDao } from './fixtures/routed-dao.ts';
import { removeDir, repoRoot, startUiNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-translated-reasons');
let node: RunningNode;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startUiNode();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-TW' });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
});

after(async () => {
  await page?.unrouteAll();
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

const goTo = (fragment: string) => goToRoute(page, fragment);

// Three members, room for four: Dave's and Erin's admissions pass together; Dave's takes the last place, Erin's
// then fails, and Frank's, proposed after, is refused. Carol changes her vote on a signal: the first is superseded.
const [alice, bob, carol, dave, erin] = ['alice', 'bob', 'carol', 'dave', 'erin'].map(actor) as [Actor, Actor, Actor, Actor, Actor];
const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour, memberCap: 4 }, Date.now() - 5 * day);
const addDave = scenario.propose(alice, { kind: 'member.add', params: { member: dave.key.address, shares: 1n }, title: 'Welcome Dave' });
const addErin = scenario.propose(bob, { kind: 'member.add', params: { member: erin.key.address, shares: 1n }, title: 'Welcome Erin' });
const signal = scenario.propose(carol, { kind: 'signal', params: { text: 'Blue?' }, title: 'Paint it blue' });
const changed = scenario.vote(carol, signal, 'yes');
scenario.vote(carol, signal, 'no');
for (const proposal of [addDave, addErin]) for (const member of [alice, bob]) scenario.vote(member, proposal, 'yes');
scenario.advance(day + 1);
for (const proposal of [addDave, addErin]) for (const member of [alice, bob]) scenario.sign(member, proposal);
scenario.advance(hour);
const refused = scenario.propose(alice, { kind: 'member.add', params: { member: actor('frank').key.address, shares: 1n }, title: 'Welcome Frank' });
// A rules change passed, signed and in effect (the next record claims a time after its grace period).
const slower = scenario.propose(alice, { kind: 'rules.change', params: { change: { gracePeriodMs: 2 * hour, reputationHalfLifeMs: 30 * day } }, title: 'Slower' });
for (const member of [alice, bob, carol]) scenario.vote(member, slower, 'yes');
scenario.advance(day + 1);
for (const member of [alice, bob, carol]) scenario.sign(member, slower);
scenario.advance(hour + 1);
// Passed and signed by three of the four members, its grace period over, and no record since that claims a later time: the fold has not
// executed it yet (a member's node would write one within seconds; here none does).
const green = scenario.propose(alice, { kind: 'signal', params: { text: 'Green?' }, title: 'Paint it green' });
for (const member of [alice, bob]) scenario.vote(member, green, 'yes');
scenario.advance(day + 1);
for (const member of [alice, bob, carol]) scenario.sign(member, green);

test('in zh-Hant, ignored records read with their kind and the reason in Chinese', async () => {
  // What the fold says, in core's English: the page must word it.
  assert.equal(scenario.evidenceFor(changed), reasons.superseded);
  assert.equal(scenario.evidenceFor(refused), 'member cap reached (4)');
  await serveDao(page, scenario.daoId, scenario.records);
  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate('document.documentElement.lang'), 'zh-Hant');
  await goTo(`#/daos/${scenario.daoId}`);
  await page.locator('[data-testid="evidence-count"]', { hasText: '2' }).waitFor({ timeout: 15_000 });
  await page.getByTestId('evidence-toggle').click();
  const row = (record: string) => page.locator(`[data-testid="evidence-row"][data-record="${record}"]`);
  await row(changed.id).waitFor({ state: 'visible', timeout: 15_000 });
  const kindAndReason = async (record: string) => {
    const cells = await row(record).locator('td').allInnerTexts();
    return [cells[0], cells[2]];
  };
  assert.deepEqual(await kindAndReason(changed.id), ['投票', '已被同一位成員之後的投票取代']);
  assert.deepEqual(await kindAndReason(refused), ['提案', '成員人數已達上限（4 位）']);
  await page.getByTestId('evidence-list').screenshot({ path: join(screenshots, 'evidence-zh-Hant.png') });
  assert.deepEqual(pageErrors, []);
});

test('in zh-Hant, a passed proposal that could not take effect says why, with the member cap in it', async () => {
  assert.deepEqual([scenario.proposal(addErin).status, scenario.proposal(addErin).failure], ['failed', 'member cap reached (4)']);
  await goTo(`#/daos/${scenario.daoId}/proposals/${addErin}`);
  const detail = page.locator(`[data-testid="proposal-detail"][data-proposal="${addErin}"][data-status="failed"]`);
  await detail.waitFor({ timeout: 15_000 });
  const shown = await detail.innerText();
  assert.match(shown, /無法生效：成員人數已達上限（4 位）/);
  assert.doesNotMatch(shown, /若通過/, 'the timeline does not say "if it passes"');
  assert.equal(await page.getByTestId('proposal-failure').getAttribute('data-failure'), 'member cap reached (4)');
  await page.screenshot({ path: join(screenshots, 'failed-proposal-zh-Hant.png'), fullPage: true });

  // A proposal in effect says nothing of the kind, nor that it is taking effect.
  await goTo(`#/daos/${scenario.daoId}/proposals/${addDave}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${addDave}"][data-status="executed"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('proposal-failure').count(), 0);
  assert.equal(await page.getByTestId('effect-note').count(), 0);
  assert.deepEqual(pageErrors, []);
});

test('a rules change in effect, in zh-Hant, says which rules it set and to what, not that it changes nothing', async () => {
  assert.equal(scenario.proposal(slower).status, 'executed');
  await goTo(`#/daos/${scenario.daoId}/proposals/${slower}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${slower}"][data-status="executed"]`).waitFor({ timeout: 15_000 });
  const set = page.getByTestId('proposal-rules-set');
  await set.waitFor({ timeout: 15_000 });
  assert.equal(await set.locator('tbody tr').count(), 2, 'the two rules it names');
  assert.equal((await page.getByTestId('set-rule-grace-period').locator('td').allInnerTexts())[1], '2 小時');
  assert.equal(await page.getByTestId('proposal-rule-changes').count(), 0);
  assert.doesNotMatch(await page.getByTestId('proposal-summary').innerText(), /沒有任何變更/);
  await goTo(`#/daos/${scenario.daoId}`);
  const listed = page.locator(`[data-testid="proposal-row"][data-proposal="${slower}"]`).getByTestId('proposal-row-effect');
  assert.match(await listed.innerText(), /^已設定：[^,]+、[^,]+$/);
  assert.deepEqual(pageErrors, []);
});

test('a passed proposal past its grace period that the fold has not executed yet reads "taking effect", not "in effect"', async () => {
  const proposal = scenario.proposal(green);
  assert.equal(proposal.status, 'passed');
  assert.ok(proposal.executesAt !== null && proposal.executesAt < Date.now(), 'its grace period is over');
  await goTo(`#/daos/${scenario.daoId}/proposals/${green}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${green}"][data-status="passed"]`).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('effect-note').innerText(), '正在生效…');
  assert.doesNotMatch(await page.getByTestId('proposal-detail').innerText(), /已生效/);
  assert.deepEqual(pageErrors, []);
});
