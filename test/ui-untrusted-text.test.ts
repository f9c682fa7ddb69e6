// What members write, shown in the UI: a claimed time no calendar holds, a DAO name typed out to leave it, and
// what a proposal would do, which voters must be able to read. A real host in web mode and Debian's Chromium;
// records no host of ours would write reach the page through a routed bridge socket, as a member's could.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, Scenario } from '../core/governance/test-dao.ts';
import type { TFunction } from 'i18next';
import { shownText } from '../app/components/shown-text.ts';
import { typedNameMatches } from '../app/screens/daos/home/typed-name.ts';
import { formatMoment } from '../app/time/format-moment.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { launchChromium } from './fixtures/browser.ts';
import { goToRoute, serveDao } from './fixtures/routed-dao.ts';
import { removeDir, repoRoot, startUiNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-untrusted-text');
let node: RunningNode;
let browser: Browser;
let page: Page;
let api: Awaited<ReturnType<typeof connectApi>>;
const pageErrors: string[] = [];

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startUiNode();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  api = await connectApi(await readApiEndpoint(node.dataDir));
});

after(async () => {
  api?.close();
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

const goTo = (fragment: string) => goToRoute(page, fragment);

test('a proposal claiming a time far in the future is held back by the page, which stays up; a moment no date holds reads as impossible', async () => {
  // Past 8.64e15 ms a Date cannot hold a moment and Intl throws; records may not claim one (core/ledger/record.ts),
  // and the page's replica holds back what claims a time far ahead of its clock (as hosts do), so a proposal from
  // the year 255,000 never shows; a moment that still could not be shown reads as impossible.
  assert.equal(formatMoment(((key: string) => `<${key}>`) as unknown as TFunction, 9e15, 'en'), '<time.impossibleMoment>');
  const alice = actor('alice');
  const scenario = new Scenario([alice], simpleMajority(1), Date.now() - 60_000);
  const far = scenario.propose(alice, { kind: 'signal', params: { text: 'Later.' }, title: 'From the far future' }, { time: 8e15 });
  const near = scenario.propose(alice, { kind: 'signal', params: { text: 'Now.' }, title: 'From today' }, { time: Date.now() - 30_000, deps: [scenario.genesis.id] });
  await serveDao(page, scenario.daoId, scenario.records);
  try {
    await page.reload();
    await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
    await goTo(`#/daos/${scenario.daoId}`);
    await page.locator(`[data-testid="proposal-row"][data-proposal="${near}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('proposal-row').count(), 1, 'the far one is held back');
    await goTo(`#/daos/${scenario.daoId}/proposals/${far}`);
    await page.getByTestId('proposal-missing').waitFor({ timeout: 15_000 });
    assert.deepEqual(pageErrors, []);
    await page.screenshot({ path: join(screenshots, 'far-future.png'), fullPage: true });
  } finally {
    await page.unrouteAll();
    await page.reload();
  }
});

test("a member's title or text with direction controls shows them as marks, not reversed; right-to-left writing stays as it is", async () => {
  assert.equal(shownText('Pay 0x\u202Eevil'), 'Pay 0x[U+202E]evil');
  assert.equal(shownText('a\u2066b\u2069c'), 'a[U+2066]b[U+2069]c');
  assert.equal(shownText('שלום \u200Fעולם'), 'שלום \u200Fעולם', 'direction marks stay');
  assert.ok(typedNameMatches('Club[U+202E]', 'Club\u202E'), 'the name as shown confirms');
  const alice = actor('alice');
  const scenario = new Scenario([alice], simpleMajority(1), Date.now() - 60_000);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: 'Send it to \u202E0x1234' }, title: 'Pay \u202Eevil' }, { time: Date.now() - 30_000 });
  await serveDao(page, scenario.daoId, scenario.records);
  try {
    await goTo('#/'); // the test before left the page on a proposal of its own DAO
    await page.reload();
    await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
    await goTo(`#/daos/${scenario.daoId}`);
    const row = page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`);
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await row.getByTestId('proposal-row-title').innerText(), 'Pay [U+202E]evil');
    await goTo(`#/daos/${scenario.daoId}/proposals/${proposal}`);
    await page.locator(`[data-testid="proposal-detail"][data-proposal="${proposal}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('proposal-heading').innerText(), 'Pay [U+202E]evil');
    assert.equal(await page.getByTestId('proposal-summary').innerText(), 'Send it to [U+202E]0x1234');
    assert.deepEqual(pageErrors, []);
  } finally {
    await page.unrouteAll();
    await page.reload();
  }
});

test('a DAO whose name holds a newline, runs of spaces or invisible characters can be left by typing the name as shown', async () => {
  assert.ok(typedNameMatches('Garden Club', 'Garden\nClub'));
  assert.ok(typedNameMatches('garden club', 'Garden \u200B Club\u202E'));
  assert.ok(typedNameMatches('Ｇarden', 'Garden'));
  assert.ok(!typedNameMatches('Garden', 'Garden Club'));
  assert.ok(typedNameMatches('anything', '\u200B\u200F'), 'a name with nothing to type confirms with anything typed');
  assert.ok(!typedNameMatches(' ', '\u200B'));

  // The host takes no line breaks in a name any more (a peer's genesis may still hold them: typedNameMatches above).
  const { dao } = await api.call('dao.create', { name: 'Garden  \u200B  Club', preset: 'simple-majority' });
  await goTo(`#/daos/${dao}`);
  await page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 15_000 });
  const shown = await page.getByTestId('dao-title').innerText();
  assert.equal(shown, 'Garden \u200B Club', 'the screen shows each run of spaces as one');
  await page.getByTestId('ragequit-open').click();
  await page.getByTestId('ragequit-confirm-input').fill(shown);
  assert.ok(await page.getByTestId('ragequit-confirm').isEnabled(), 'the name as shown confirms');
  await page.getByTestId('ragequit-confirm-input').fill('Garden Club');
  assert.ok(await page.getByTestId('ragequit-confirm').isEnabled(), 'and as a person types what they see');
  await page.getByTestId('ragequit-confirm-input').fill('Garden Clu');
  assert.ok(!(await page.getByTestId('ragequit-confirm').isEnabled()));
  await page.keyboard.press('Escape');
});

test('a proposal says what it would do in the reader\'s language: each rule a rules change changes, from what to what', async () => {
  const { dao } = await api.call('dao.create', { name: 'Rules Club', preset: 'supermajority' });
  const { proposal: change } = await api.call('dao.propose', { dao, title: 'Tidy the rules', params: { kind: 'rules.change', rules: { memberCap: 50 } } });
  const { proposal: decay } = await api.call('dao.propose', { dao, title: 'Let reputation fade', params: { kind: 'rules.change', rules: { reputationHalfLifeMs: 30 * 24 * 3600_000 } } });
  const bob = `0x${'b0'.repeat(20)}`;
  const { proposal: admit } = await api.call('dao.propose', { dao, title: 'Welcome Bob', params: { kind: 'member.add', member: bob, shares: 100 } });

  await goTo(`#/daos/${dao}/proposals/${change}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${change}"]`).waitFor({ timeout: 15_000 });
  const row = page.getByTestId('change-rule-member-cap');
  await row.waitFor({ timeout: 15_000 });
  assert.deepEqual(await row.locator('td').allInnerTexts(), ['Member cap', 'At most 15 members', 'At most 50 members']);
  assert.equal(await page.getByTestId('proposal-rule-changes').locator('tbody tr').count(), 1, 'only the rule it changes');
  // Another change is open: each applies on top of the rules in force when it takes effect.
  assert.match(await page.getByTestId('proposal-note-pending').innerText(), /^Another rules change is pending\./);
  assert.equal(await page.getByTestId('proposal-note-half-life').count(), 0);
  await goTo(`#/daos/${dao}/proposals/${decay}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${decay}"]`).waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('proposal-note-half-life').innerText(), /^A new half-life applies to all reputation, past grants too/);
  await goTo(`#/daos/${dao}/proposals/${change}`);
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${change}"]`).waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(screenshots, 'rules-change.png'), fullPage: true });
  await page.getByTestId('proposal-back').click();
  const listed = page.locator(`[data-testid="proposal-row"][data-proposal="${change}"]`).getByTestId('proposal-row-effect');
  assert.equal(await listed.innerText(), 'Changes: Member cap');

  await page.evaluate(`localStorage.setItem('daomesh.language', 'zh-Hant')`);
  try {
    await page.reload();
    await goTo(`#/daos/${dao}/proposals/${admit}`);
    await page.locator(`[data-testid="proposal-detail"][data-proposal="${admit}"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('proposal-summary').locator('p').first().innerText(), '以 100 股接納此成員：');
    assert.equal((await page.getByTestId('proposal-member').getAttribute('data-value'))?.toLowerCase(), bob);
  } finally {
    await page.evaluate(`localStorage.removeItem('daomesh.language')`);
    await page.reload();
  }
});

test('a DAO name of 80 characters without a space wraps in its heading and its card, and the page does not scroll sideways', async () => {
  const { dao } = await api.call('dao.create', { name: 'W'.repeat(80), preset: 'simple-majority' });
  const widths = (): Promise<number[]> => page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as Promise<number[]>;
  await goTo(`#/daos/${dao}`);
  await page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 15_000 });
  const [pageWidth, viewport] = await widths();
  assert.ok(pageWidth! <= viewport!, `the DAO's page is ${pageWidth} px wide in a ${viewport} px window`);
  await goTo('#/daos');
  const name = page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).getByTestId('dao-card-name');
  await name.waitFor({ timeout: 15_000 });
  const [nameWidth, boxWidth] = await name.evaluate((element) => [(element as unknown as { scrollWidth: number }).scrollWidth, (element as unknown as { clientWidth: number }).clientWidth]);
  assert.ok(nameWidth! <= boxWidth!, `the card's name is ${nameWidth} px wide in a ${boxWidth} px box`);
});
