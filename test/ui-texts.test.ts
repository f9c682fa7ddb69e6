// Collaborative texts in the UI, in web mode: edit the working charter, see an edit made elsewhere (the CLI)
// arrive in the field, find it all after a reload; write a draft and propose from it. A real host, the real UI,
// Debian's Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { maxTextChars } from '../core/dao/text-limits.ts';
import { connectApi, readApiEndpoint, type ApiClient } from '../electron-main/host/api-client.ts';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCli, runCliJson, startUiNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-texts');
let node: RunningNode;
let browser: Browser;
let page: Page;
let dao: string;
/** The node's local API, as the CLI uses it (a CLI process per look would cost seconds each). */
let api: ApiClient;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startUiNode();
  api = await connectApi(await readApiEndpoint(node.dataDir));
  ({ dao } = await api.call('dao.create', { name: 'Bike Co-op', charter: 'We fix bikes.', preset: 'simple-majority' }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
});

after(async () => {
  api?.close();
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

async function hostText(name = 'charter'): Promise<string> {
  return (await api.call('dao.text', { dao, text: name })).text;
}

test('the working charter: typed in the UI, edited from the CLI meanwhile, kept across a reload', async () => {
  assert.equal(await page.getByTestId('dao-charter-text').textContent(), 'We fix bikes.', 'the charter as founded');
  const field = page.getByTestId('working-charter-text');
  await field.click();
  await field.pressSequentially('Repairs on Saturdays.', { delay: 5 });
  await page.locator('[data-testid="working-charter-text"][data-pending="false"]').waitFor({ timeout: 15_000 });
  await waitFor('the host to hold the typed charter', async () => ((await hostText()) === 'Repairs on Saturdays.' ? true : undefined), 15_000);

  // Someone else's edit (here the CLI, through the node) arrives in the field while it has the focus.
  await runCli(['--data', node.dataDir, 'dao', 'text', dao, '--append', ' Bring your own tubes.']);
  await waitFor('the field to show the appended text', async () => ((await field.inputValue()) === 'Repairs on Saturdays. Bring your own tubes.' ? true : undefined), 15_000);
  // Typing goes on where the cursor was, not at the end the other edit moved.
  await field.press('Home');
  await field.pressSequentially('Free ', { delay: 5 });
  await page.locator('[data-testid="working-charter-text"][data-pending="false"]').waitFor({ timeout: 15_000 });
  await waitFor('the host to hold both edits', async () => ((await hostText()) === 'Free Repairs on Saturdays. Bring your own tubes.' ? true : undefined), 15_000);
  await page.screenshot({ path: join(screenshots, 'working-charter.png'), fullPage: true });

  await page.reload();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  await waitFor('the charter after the reload', async () => ((await page.getByTestId('working-charter-text').inputValue()) === 'Free Repairs on Saturdays. Bring your own tubes.' ? true : undefined), 15_000);
});

test('a working charter over its limit is not saved, and says so instead of "Saving…" forever', async () => {
  const field = page.getByTestId('working-charter-text');
  const state = page.getByTestId('working-charter-text-state');
  const kept = await hostText();
  await field.fill('x'.repeat(maxTextChars + 1));
  // The burst is refused once it is due (TEXT_TOO_LONG); the indicator says so, then and after.
  await page.getByTestId('working-charter').getByTestId('form-error').waitFor({ timeout: 15_000 });
  await state.and(page.getByText('Not saved', { exact: true })).waitFor({ timeout: 5_000 });
  await page.waitForTimeout(1_000);
  assert.equal(await state.textContent(), 'Not saved');
  assert.equal(await state.getAttribute('data-state'), 'not-saved');
  assert.equal(await hostText(), kept, 'nothing was sent');
  await field.fill(kept);
  await page.locator('[data-testid="working-charter-text-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
  assert.equal(await state.textContent(), 'Saved');
});

test('a draft written in the UI becomes a signal proposal, titled by its first line', async () => {
  await page.getByTestId('drafts-empty').waitFor();
  // The button keeps its whole label beside the card's description (it was squeezed to "New dra" once).
  const button = page.getByTestId('draft-new');
  const clipped = await page.evaluate(`(() => { const button = document.querySelector('[data-testid="draft-new"]'); return [button, ...button.querySelectorAll('*')].some((part) => part.scrollWidth > part.clientWidth + 1); })()`);
  assert.equal(clipped, false, 'the New draft button shows its whole label');
  await button.click();
  const field = page.getByTestId('draft-text');
  await field.fill('Buy a bike stand\nA proper stand for the workshop, about 80 euros.');
  await page.locator('[data-testid="draft-text"][data-pending="false"]').waitFor({ timeout: 15_000 });
  const name = await page.getByTestId('draft-dialog').getAttribute('data-draft');
  assert.match(name ?? '', /^draft:[A-Za-z0-9_-]+$/);
  assert.equal(await hostText(name!), 'Buy a bike stand\nA proper stand for the workshop, about 80 euros.');
  const texts = await runCliJson<Array<{ name: string }>>(['--data', node.dataDir, 'dao', 'text', dao, '--list']);
  assert.deepEqual(texts.map((text) => text.name).sort(), ['charter', name].sort());

  await page.getByTestId('draft-propose').click();
  assert.equal(await page.getByTestId('proposal-title').inputValue(), 'Buy a bike stand');
  assert.equal(await page.getByTestId('proposal-text').inputValue(), 'A proper stand for the workshop, about 80 euros.');
  await page.getByTestId('proposal-submit').click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('proposal-heading').textContent(), 'Buy a bike stand');
  await page.getByTestId('proposal-back').click();
  await page.getByTestId('dao-home').waitFor();
  assert.equal(await page.locator(`[data-testid="draft-row"][data-draft="${name}"]`).count(), 1, 'the draft stays in the list');
  await page.screenshot({ path: join(screenshots, 'drafts.png'), fullPage: true });
});

test('a member deletes a draft: asked first, then emptied for everyone, even just after typing in it, and gone from the list', async () => {
  const row = page.locator('[data-testid="draft-row"]').first();
  const name = (await row.getAttribute('data-draft'))!;
  const before = await hostText(name);
  await row.click();
  const field = page.getByTestId('draft-text');
  await waitFor('the draft in its dialog', async () => ((await field.inputValue()) === before ? true : undefined), 15_000);

  // Asked first; keeping it changes nothing.
  await page.getByTestId('draft-delete').click();
  await page.getByTestId('draft-delete-confirmation').waitFor();
  await page.screenshot({ path: join(screenshots, 'draft-delete.png'), fullPage: true });
  await page.getByTestId('draft-delete-cancel').click();
  await page.getByTestId('draft-delete-confirmation').waitFor({ state: 'detached' });
  assert.equal(await hostText(name), before);

  // Typing, then deleting at once: the typing goes first, then the text is emptied.
  await field.click();
  await field.press('End');
  await field.pressSequentially(' Or two.', { delay: 5 });
  await page.getByTestId('draft-delete').click();
  await page.getByTestId('draft-delete-confirm').click();
  await page.getByTestId('draft-dialog').waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await hostText(name), '');
  await page.getByTestId('drafts-empty').waitFor({ timeout: 15_000 });
  // The row that opened the dialog is gone: the focus goes to the button that makes a new draft, not to <body>.
  await waitFor('the focus on the new-draft button', async () => ((await page.evaluate('document.activeElement?.dataset?.testid')) === 'draft-new' ? true : undefined), 5_000);

  await page.reload();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  await page.getByTestId('drafts-empty').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator(`[data-testid="draft-row"][data-draft="${name}"]`).count(), 0);

  // From the CLI the same way: a draft set there shows up in the list, and set to nothing leaves it.
  const set = (text: string) => runCli(['--data', node.dataDir, 'dao', 'text', dao, 'draft:from-cli', '--set', text]);
  assert.equal((await set('Paint the door')).code, 0);
  await page.locator('[data-testid="draft-row"][data-draft="draft:from-cli"]').waitFor({ timeout: 15_000 });
  const cleared = await set('');
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.equal(await hostText('draft:from-cli'), '');
  await page.getByTestId('drafts-empty').waitFor({ timeout: 15_000 });
});
