// What the DAO's pages tell their own member about themselves, in histories made for them: the records are made
// for the page's member (the node's identity, from its recovery phrase) and reach the page through a routed bridge
// socket, as a member's node would send them. Real host in web mode, Debian's Chromium.
// - A member whose removal has passed sees it: in its grace period, when it takes effect and that a rage quit is
//   all that still counts; once its time has come, that the others count them removed.
// - A result this node will not sign (it first received the proposal after its voting period) says why, with both
//   times, where others have the Sign button.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, day, hour, Scenario, type Actor } from '../core/governance/test-dao.ts';
import { memberKeyFromPhrase } from '../core/identity/member-key.ts';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, startUiNode, type RunningNode } from './fixtures/cli.ts';
import { goToRoute, serveDao } from './fixtures/routed-dao.ts';

/** How long after the records are made the removal takes effect: time enough to see the page in its grace period first. */
const graceLeftMs = 20_000;

let node: RunningNode & { phrase: string };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  node = await startUiNode();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
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

test("the removed member's page says the removal passed, when it takes effect, and then that its time has come", async () => {
  const me: Actor = { name: 'me', key: memberKeyFromPhrase(node.phrase) };
  const [alice, bob] = [actor('alice'), actor('bob')];
  // Voting ends a day after the start; the two others sign at once; the grace period (an hour) ends graceLeftMs from now.
  const scenario = new Scenario([alice, bob, me], { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour }, Date.now() - day - hour + graceLeftMs);
  const removal = scenario.propose(alice, { kind: 'member.remove', params: { member: me.key.address }, title: 'Remove me' });
  for (const member of [alice, bob]) scenario.vote(member, removal, 'yes');
  scenario.advance(day + 1);
  for (const member of [alice, bob]) scenario.sign(member, removal);
  assert.equal(scenario.proposal(removal).status, 'passed');
  const executesAt = scenario.proposal(removal).executesAt!;
  assert.ok(executesAt > Date.now(), 'still in its grace period');

  await serveDao(page, scenario.daoId, scenario.records);
  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await goToRoute(page, `#/daos/${scenario.daoId}`);
  const notice = page.getByTestId('dao-my-removal');
  await notice.waitFor({ timeout: 15_000 });
  assert.equal(await notice.getAttribute('data-due'), 'false');
  assert.match(await notice.innerText(), /A proposal to remove you has passed\s+It takes effect on .+\. Until then you can still rage quit/);
  // The clock passes the grace period: no record here executes it, and the page says the time has come.
  await page.locator('[data-testid="dao-my-removal"][data-due="true"]').waitFor({ timeout: graceLeftMs + 30_000 });
  assert.match(await notice.innerText(), /Its time has come: the other members count you as removed/);
  assert.deepEqual(pageErrors, []);
});

test('a result the node will not sign, having first received the proposal after its voting ended, says why instead of offering to sign', async () => {
  const me: Actor = { name: 'me', key: memberKeyFromPhrase(node.phrase) };
  const [alice, bob] = [actor('carol'), actor('dave')];
  const scenario = new Scenario([alice, bob, me], { ...simpleMajority(3), votingPeriodMs: day, gracePeriodMs: hour }, Date.now() - 3 * day);
  const unseen = scenario.propose(alice, { kind: 'signal', params: { text: 'Seen late?' }, title: 'Seen late' });
  const seen = scenario.propose(alice, { kind: 'signal', params: { text: 'Seen in time?' }, title: 'Seen in time' });
  scenario.advance(day + 1);
  assert.equal(scenario.proposal(unseen).status, 'voting-closed');
  const votingEndsAt = scenario.proposal(unseen).votingEndsAt;
  const receivedAt = votingEndsAt + hour;
  // What the host says of each (DaoService.lateArrival, tested there): the first came after its voting period.
  await page.unrouteAll();
  await goToRoute(page, '#/');
  await serveDao(page, scenario.daoId, scenario.records, { 'dao.signingRefusal': { late: { receivedAt, votingEndsAt } } });
  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await goToRoute(page, `#/daos/${scenario.daoId}/proposals/${unseen}`);
  const late = page.getByTestId('certificate-received-late');
  await late.waitFor({ timeout: 15_000 });
  assert.match(await late.innerText(), /^This device first received the proposal on .+, after its voting ended on .+: nobody here could vote on it, so it does not sign the result\. Other members can\.$/);
  assert.equal(await page.getByTestId('tally-sign').count(), 0);

  // Where the host would sign, the button is there.
  await page.unrouteAll();
  await goToRoute(page, '#/');
  await serveDao(page, scenario.daoId, scenario.records, { 'dao.signingRefusal': { late: null } });
  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await goToRoute(page, `#/daos/${scenario.daoId}/proposals/${seen}`);
  await page.getByTestId('tally-sign').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('certificate-received-late').count(), 0);
  assert.deepEqual(pageErrors, []);
});
