// The UI with the keyboard and a screen reader in mind, in web mode: where the focus goes when a screen, a dialog
// or a button goes away, and what controls are called. One real node (onboarded through the UI itself), the real
// UI, Debian's Chromium; the focus is read from the page (document.activeElement).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { connectApi, readApiEndpoint, type ApiClient } from '../electron-main/host/api-client.ts';
import { chooseOption, launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-keyboard');
const passphrase = 'a long enough passphrase';
let node: RunningNode;
let browser: Browser;
let page: Page;
let api: ApiClient;
/** The DAO most cases work in, made once the identity exists (by the first case). */
let dao: string;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startCliNode({ args: ['--ui'] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
});

after(async () => {
  api?.close();
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

type Focused = { testId: string | null; tag: string; name: string | null; text: string; inDialog: boolean } | null;

async function focused(): Promise<Focused> {
  return (await page.evaluate(`(() => {
    const element = document.activeElement;
    if (element === null || element === document.body) return null;
    return {
      testId: element.getAttribute('data-testid'),
      tag: element.tagName.toLowerCase(),
      name: element.getAttribute('aria-label'),
      text: (element.textContent ?? '').trim().slice(0, 80),
      inDialog: element.closest('[role="dialog"]') !== null,
    };
  })()`)) as Focused;
}

/** Waits for the focus to be where `check` says (it may move a tick after a click), or fails saying where it is. */
async function expectFocus(what: string, check: (element: NonNullable<Focused>) => boolean, timeoutMs = 5_000): Promise<NonNullable<Focused>> {
  let last: Focused = null;
  try {
    return await waitFor(what, async () => {
      last = await focused();
      return last !== null && check(last) ? last : undefined;
    }, timeoutMs);
  } catch {
    assert.fail(`expected the focus on ${what}, but it is on ${last === null ? '<body>' : JSON.stringify(last)}`);
  }
}

const onTestId = (testId: string) => (element: NonNullable<Focused>) => element.testId === testId;
const onHeading = (text: string) => (element: NonNullable<Focused>) => element.tag === 'h1' && element.text === text;

async function openDao(): Promise<void> {
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
}

test('onboarding: the language menu says it opens a menu and which language is chosen; each step puts the focus on the next screen\'s title; passphrase toggles are named and reachable with Tab', async () => {
  await page.goto(node.info.ui!);
  await page.getByTestId('onboarding-create').waitFor({ timeout: 15_000 });

  // The trigger says it opens a menu, and whether it is open; the items say which language is chosen.
  const menu = page.getByTestId('language-menu');
  assert.equal(await menu.getAttribute('aria-haspopup'), 'menu');
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await menu.click();
  await page.getByRole('menu').waitFor();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  const checked = async () => await page.getByRole('menuitemradio', { checked: true }).allTextContents();
  assert.equal(await page.getByRole('menuitemradio').count(), 3);
  assert.deepEqual(await checked(), ['System default']);
  await page.screenshot({ path: join(screenshots, 'language-menu.png') });
  await page.getByTestId('language-zh-Hant').click();
  await page.getByRole('menu').waitFor({ state: 'detached' });
  await menu.click();
  // The items are read once the menu is open again (reading at once raced its opening).
  await page.getByRole('menuitemradio', { checked: true }).waitFor();
  assert.deepEqual(await checked(), ['繁體中文']);
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');

  // Welcome → create: the create screen's title has the focus (the button pressed is gone with its screen).
  await page.getByTestId('onboarding-create').click();
  await expectFocus('the title of the create step', onHeading('建立新的身分'));
  // The show/hide buttons are named in the language shown, and reachable with Tab.
  assert.equal(await page.getByRole('button', { name: '顯示密碼' }).count(), 2);
  await menu.click();
  await page.getByTestId('language-system').click();
  await page.getByRole('menu').waitFor({ state: 'detached' });
  await page.getByTestId('passphrase').focus();
  await page.keyboard.press('Tab');
  await expectFocus('the first show/hide button', (element) => element.name === 'Show passphrase');
  await page.keyboard.press('Enter');
  assert.equal(await page.getByTestId('passphrase').getAttribute('type'), 'text', 'shown');
  await expectFocus('the show/hide button, named for hiding now', (element) => element.name === 'Hide passphrase');
  await page.keyboard.press('Tab');
  await expectFocus('the confirmation field', onTestId('passphrase-confirm'));

  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('passphrase-confirm').fill(passphrase);
  await page.getByTestId('create-submit').click();
  await page.getByTestId('recovery-phrase').waitFor({ timeout: 30_000 });
  await expectFocus('the title of the recovery phrase screen', onHeading('Write down your recovery phrase'));
  await page.getByTestId('backup-confirmed').check();
  await page.getByTestId('backup-continue').click();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await expectFocus('the title of the home screen', onHeading('Your node'));
  assert.equal(await page.locator('h1').count(), 1, 'one h1 on the page');

  // The two copy buttons on the home screen say what they copy.
  assert.equal(await page.getByRole('button', { name: 'Copy address', exact: true }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Copy peer ID', exact: true }).count(), 1);

  api = await connectApi(await readApiEndpoint(node.dataDir));
  ({ dao } = await api.call('dao.create', { name: 'Key Club', charter: 'We test with the keyboard.', preset: 'simple-majority' }));
});

test('dialogs: the close button is named; the focus starts on the first useful control and goes back to the opener on Escape or Cancel', async () => {
  await openDao();
  const dialog = page.getByRole('dialog');
  const closed = async () => await dialog.waitFor({ state: 'detached', timeout: 5_000 });
  const cases: Array<{ opener: string; first: string; leave: 'Escape' | 'Cancel' }> = [
    { opener: 'invite-open', first: 'invite-create', leave: 'Escape' },
    { opener: 'invite-open', first: 'invite-create', leave: 'Cancel' },
    { opener: 'draft-new', first: 'draft-text', leave: 'Escape' },
    { opener: 'proposal-new', first: 'proposal-title', leave: 'Cancel' },
    { opener: 'ragequit-open', first: 'ragequit-confirm-input', leave: 'Escape' },
    { opener: 'ragequit-open', first: 'ragequit-confirm-input', leave: 'Cancel' },
  ];
  for (const { opener, first, leave } of cases) {
    await page.getByTestId(opener).click();
    await dialog.waitFor();
    assert.equal(await dialog.locator('.mantine-Modal-close').getAttribute('aria-label'), 'Close', `${opener}: the X is named`);
    await expectFocus(`${first}, first in the dialog of ${opener}`, onTestId(first));
    if (leave === 'Escape') await page.keyboard.press('Escape');
    else await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await closed();
    await expectFocus(`${opener} again, after ${leave}`, onTestId(opener));
  }

  // The join dialog, from the DAO list.
  await page.getByTestId('nav-daos').click();
  await page.getByTestId('dao-join-open').click();
  await expectFocus('the invite code field', onTestId('join-code'));
  await page.keyboard.press('Escape');
  await closed();
  await expectFocus('the join button again', onTestId('dao-join-open'));
});

test('the invite dialog: a new code takes the focus from the button that made it; revoking and asking for another keep it in the dialog', async () => {
  await openDao();
  await page.getByTestId('invite-open').click();
  await expectFocus('the create button', onTestId('invite-create'));
  await page.keyboard.press('Enter');
  await page.getByTestId('invite-issued').waitFor({ timeout: 15_000 });
  await expectFocus('the new code', onTestId('invite-code'));
  await page.screenshot({ path: join(screenshots, 'invite-code.png') });
  // Tab goes on inside the dialog, to the copy button.
  await page.keyboard.press('Tab');
  await expectFocus('the copy button', (element) => element.testId === 'invite-copy' && element.inDialog);
  await page.getByTestId('invite-revoke').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('invite-revoked').waitFor({ timeout: 15_000 });
  await expectFocus('the button for another code', onTestId('invite-another'));
  await page.keyboard.press('Enter');
  await expectFocus('the create button again', onTestId('invite-create'));
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await expectFocus('the invite button', onTestId('invite-open'));
});

test('the new-proposal dialog refused by the host keeps the focus, on its submit button beside the error', async () => {
  await openDao();
  const me = (await api.call('node.status', {})).address!;
  await page.getByTestId('proposal-new').click();
  await chooseOption(page, 'proposal-kind', { name: 'Remove a member', exact: true });
  await page.getByTestId('proposal-title').fill('Remove myself');
  await page.getByTestId('proposal-member').fill(me);
  await page.locator(`[data-combobox-option="true"][value="${me}"]`).click();
  await page.getByTestId('proposal-submit').focus();
  await page.keyboard.press('Enter');
  // The only member's removal: the host refuses it.
  await page.getByRole('dialog').getByTestId('form-error').waitFor({ timeout: 15_000 });
  await expectFocus('the submit button', (element) => element.testId === 'proposal-submit' && element.inDialog);
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await expectFocus('the new-proposal button', onTestId('proposal-new'));
});

test('the proposal page: voting keeps the focus on the chosen button; opening a proposal from far down the DAO page starts at its top, on its title', async () => {
  const { proposal } = await api.call('dao.propose', { dao, title: 'Oil the chains', params: { kind: 'signal', text: 'Once a month.' } });
  await openDao();
  const row = page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`);
  await row.waitFor({ timeout: 15_000 });
  // Scrolled to the bottom of the DAO page, then the row is clicked where it is (a page script, so nothing scrolls to it).
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  assert.ok(((await page.evaluate('window.scrollY')) as number) > 100, 'the DAO page is scrolled down');
  await page.evaluate(`document.querySelector('[data-testid="proposal-row"][data-proposal="${proposal}"]').click()`);
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  await expectFocus('the proposal title', (element) => element.testId === 'proposal-heading' && element.tag === 'h1');
  assert.equal(await page.evaluate('window.scrollY'), 0, 'the proposal opens at its top');
  assert.equal(await page.locator('h1').count(), 1);

  await page.getByTestId('vote-yes').click();
  await page.getByTestId('vote-yes').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
  await expectFocus('the yes button', onTestId('vote-yes'));
  await page.getByTestId('vote-no').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('vote-no').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
  await expectFocus('the no button', onTestId('vote-no'));

  // Back through the browser's history: the DAO page, at its top, its title focused.
  await page.goBack();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  await expectFocus('the DAO title', (element) => element.testId === 'dao-title' && element.tag === 'h1');
  assert.equal(await page.evaluate('window.scrollY'), 0);
});

test('signing a result moves the focus to the line that says it is signed', async () => {
  const quick = await api.call('dao.create', { name: 'Quick Club', preset: 'simple-majority', votingPeriodMs: 1_000 });
  const { proposal } = await api.call('dao.propose', { dao: quick.dao, title: 'Sign me', params: { kind: 'signal', text: '' } });
  await page.evaluate(`location.hash = '#/daos/${quick.dao}/proposals/${proposal}'`);
  const sign = page.getByTestId('tally-sign');
  await sign.waitFor({ timeout: 15_000 });
  await sign.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('certificate-signed').waitFor({ timeout: 15_000 });
  await expectFocus('the signed note', onTestId('certificate-signed'));
});

test('labels: the working charter and a draft are labelled fields; the two show buttons of the DAO page say what they show', async () => {
  await openDao();
  assert.equal(await page.getByLabel('Working charter text', { exact: true }).getAttribute('data-testid'), 'working-charter-text');
  const peers = page.getByTestId('dao-peers-toggle');
  assert.equal(await peers.getAttribute('aria-label'), 'Show peers');
  await peers.click();
  assert.equal(await peers.getAttribute('aria-label'), 'Hide peers');
  await peers.click();
  await page.getByTestId('draft-new').click();
  assert.equal(await page.getByRole('dialog').getByLabel('Draft text', { exact: true }).getAttribute('data-testid'), 'draft-text');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
});

test('the header\'s language menu switches the language on any screen, here a DAO\'s, and the screen reads in it at once', async () => {
  await openDao();
  await page.getByTestId('language-menu').click();
  await page.getByTestId('language-zh-Hant').click();
  await page.getByRole('menu').waitFor({ state: 'detached' });
  await page.getByTestId('nav-settings').getByText('設定').waitFor({ timeout: 5_000 });
  assert.equal(await page.getByTestId('language-menu').getAttribute('aria-label'), '語言');
  await page.getByTestId('language-menu').click();
  await page.getByTestId('language-en').click();
  await page.getByTestId('nav-settings').getByText('Settings').waitFor({ timeout: 5_000 });
});

test('settings in Traditional Chinese: the recovery phrase dialog names its X and its show button in Chinese, and a wrong passphrase leaves the focus on the field', async () => {
  await page.getByTestId('nav-settings').click();
  await chooseOption(page, 'language-select', { name: '繁體中文' });
  await page.getByTestId('settings-backup').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.equal(await dialog.locator('.mantine-Modal-close').getAttribute('aria-label'), '關閉');
  assert.equal(await dialog.getByRole('button', { name: '顯示密碼', exact: true }).count(), 1);
  await page.getByTestId('backup-passphrase').fill('not the passphrase');
  await page.keyboard.press('Enter');
  await dialog.getByTestId('form-error').waitFor({ timeout: 30_000 });
  await expectFocus('the passphrase field', (element) => element.testId === 'backup-passphrase' && element.inDialog);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await expectFocus('the button that opened it', onTestId('settings-backup'));
  await chooseOption(page, 'language-select', { name: 'English' });
});

test('locking and unlocking: a wrong passphrase leaves the focus on the field; unlocking moves it to the title of the screen it returns to', async () => {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-lock').click();
  const field = page.getByTestId('unlock-passphrase');
  await field.waitFor({ timeout: 15_000 });
  await expectFocus('the passphrase field', onTestId('unlock-passphrase'));
  assert.equal(await page.getByTestId('language-menu').getAttribute('aria-haspopup'), 'menu');
  await field.fill('not the passphrase');
  await page.keyboard.press('Enter');
  await page.getByTestId('form-error').waitFor({ timeout: 30_000 });
  await expectFocus('the passphrase field again', onTestId('unlock-passphrase'));
  await field.fill(passphrase);
  await page.keyboard.press('Enter');
  // Back where the lock was pressed.
  await expectFocus('the settings title', onHeading('Settings'), 30_000);
});

test('narrow: the nav drawer holds the focus, closes on Escape back to the burger, which says whether it is open', async () => {
  await page.setViewportSize({ width: 600, height: 800 });
  try {
    const burger = page.getByTestId('nav-burger');
    await burger.waitFor();
    assert.equal(await burger.getAttribute('aria-expanded'), 'false');
    await burger.click();
    const drawer = page.getByRole('dialog', { name: 'Navigation' });
    await drawer.waitFor();
    assert.equal(await burger.getAttribute('aria-expanded'), 'true');
    await expectFocus('inside the drawer', (element) => element.inDialog);
    await page.screenshot({ path: join(screenshots, 'nav-drawer.png') });
    for (let press = 0; press < 6; press++) {
      await page.keyboard.press('Tab');
      const element = await focused();
      assert.ok(element?.inDialog, `Tab ${press + 1} stays in the drawer: ${JSON.stringify(element)}`);
    }
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await expectFocus('the burger', onTestId('nav-burger'));
    assert.equal(await burger.getAttribute('aria-expanded'), 'false');

    // Moving through the drawer closes it and lands on the new screen's title.
    await burger.click();
    await drawer.getByTestId('nav-settings').click();
    await drawer.waitFor({ state: 'detached' });
    await expectFocus('the settings title', onHeading('Settings'));
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
